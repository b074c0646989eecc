#!/usr/bin/env bash
# The sales flow of the product brief, end to end through the REST API on a fresh kazi: a web
# request arrives through an intake integration's webhook and becomes a lead; the head of Sales
# assigns it to a salesperson with a to-do; the salesperson (a role with CRM rights "own")
# converts it into a linked contact, company and deal, prices the deal with product rows, issues
# a quote and an invoice, records the payment, walks the deal through its pipeline to won, and
# finds the company by name and phone; the timeline tells the story. The salesperson never sees
# a colleague's deal, and converting twice is refused with nothing written. Notifying the
# salesperson of the assignment is not covered: kazi has no notification delivery yet.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
    not_ok "jq is installed (the suite reads replies with it)"
    exit 1
fi

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

# user_add EMAIL NAME LAST-NAME [--admin]
user_add() {
    "$KAZI_BIN" user add --data "$DATA" --email "$1" --name "$2" --last-name "$3" ${4:+"$4"} \
        >/dev/null 2>>"$T_DIR/cli.err"
}
get() { req GET "$1" -g; }
post() { req POST "$1" "${JSON[@]}" --data "$2"; }
# jqo OUT FILTER: jq (raw output) on the body of "STATUS BODY"
jqo() { jq -r "$2" <<<"${1#* }" 2>/dev/null; }
# code OUT: "STATUS ERROR" of a reply, "200 " on success
code() { echo "${1%% *} $(jqo "$1" '.error // ""')"; }
expect_code() { expect_eq "$1" "$(code "$2")" "$3"; }
expect_jq() { expect_eq "$1" "$(jqo "$2" "$3")" "$4"; }
# must NAME OUT FILTER: prints the filter's value of a 200 reply, records a failure otherwise
must() {
    if [ "${2%% *}" != 200 ]; then
        not_ok "$1 (${2:0:300})"
        return 1
    fi
    jqo "$2" "$3"
}
# counts: contacts/companies/deals/leads as the administrator lists them
counts() {
    local e out=
    for e in contact company deal lead; do
        out+="$(jqo "$(get "$A/crm.$e.list?select[]=ID")" .total)/"
    done
    echo "$out"
}

user_add admin@example.com Ada Admin --admin       # 1
user_add intake@example.com Web Intake            # 2: the web form's integration user
user_add hana@example.com Hana Head               # 3: heads Sales
user_add sam@example.com Sam Seller               # 4: salesperson
user_add sue@example.com Sue Seller               # 5: salesperson
PA=$(hook_path 1 crm,user,department)
PI=$(hook_path 2 crm)
PH=$(hook_path 3 crm)
PS=$(hook_path 4 crm)
PU=$(hook_path 5 crm)
check "users and webhooks created" test -n "$PA" -a -n "$PI" -a -n "$PH" -a -n "$PS" -a -n "$PU"
kazi_start --https off || {
    not_ok "kazi starts"
    t_finish
    exit 1
}
A=$HTTP_URL$PA    # administrator
I=$HTTP_URL$PI    # intake integration
H=$HTTP_URL$PH    # head of Sales
S=$HTTP_URL$PS    # Sam, the salesperson
U=$HTTP_URL$PU    # Sue, another salesperson

# ---------------------------------------------------------------- organisation and roles
DEP=$(must "Sales department added" "$(post "$A/department.add" '{"NAME":"Sales","UF_HEAD":3}')" .result)
for u in 4 5; do
    expect_code "user $u joins Sales" "$(post "$A/user.update" "{\"ID\":$u,\"UF_DEPARTMENT\":[$DEP]}")" "200 "
done
expect_jq "Sam is in Sales" "$(get "$A/user.get?ID=4")" '.result[0].UF_DEPARTMENT | map(tostring) | join(",")' "$DEP"
own='{"READ":"own","ADD":"own","UPDATE":"own","DELETE":"own"}'
ROLE_SALES=$(must "role Sales added" "$(post "$A/role.add" "{\"NAME\":\"Sales\",\"PERMISSIONS\":{
  \"*\":{\"READ\":\"none\",\"ADD\":\"none\",\"UPDATE\":\"none\",\"DELETE\":\"none\"},
  \"crm_lead\":$own,\"crm_contact\":$own,\"crm_company\":$own,\"crm_deal\":$own,\"crm_quote\":$own,
  \"crm_invoice\":$own,\"crm_product\":{\"READ\":\"all\"}}}")" .result)
expect_jq "role Sales assigned to the department" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE_SALES,\"DEPARTMENT_ID\":$DEP}")" .result true
ROLE_INTAKE=$(must "role Intake added" "$(post "$A/role.add" '{"NAME":"Intake","PERMISSIONS":{
  "*":{"READ":"none","ADD":"none","UPDATE":"none","DELETE":"none"},
  "crm_lead":{"READ":"own","ADD":"all","UPDATE":"none","DELETE":"none"}}}')" .result)
expect_jq "role Intake assigned" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE_INTAKE,\"USER_ID\":2}")" .result true
ROLE_HEAD=$(must "role Sales head added" "$(post "$A/role.add" '{"NAME":"Sales head","PERMISSIONS":{
  "*":{"READ":"department","ADD":"department","UPDATE":"department","DELETE":"none"},
  "crm_lead":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"none"},"crm_product":{"READ":"all"}}}')" .result)
expect_jq "role Sales head assigned" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE_HEAD,\"USER_ID\":3}")" .result true

# ---------------------------------------------------------------- 1. a web request arrives
out=$(post "$I/crm.lead.add" '{"fields":{"TITLE":"Web form: 8 chairs and 3 desks","SOURCE_ID":"WEB",
  "NAME":"Amina","LAST_NAME":"Otieno","COMPANY_TITLE":"Savanna Office Supplies",
  "PHONE":[{"VALUE":"+254 712 345 678","VALUE_TYPE":"WORK"}],
  "EMAIL":[{"VALUE":"amina@savanna.example","VALUE_TYPE":"WORK"}]}}')
expect_code "1. intake: crm.lead.add through the integration's webhook" "$out" "200 "
L=$(jqo "$out" .result)
out=$(get "$I/crm.lead.get?id=$L")
expect_jq "1. lead: title, source, status" "$out" '.result | .TITLE + "/" + .SOURCE_ID + "/" + .STATUS_ID' "Web form: 8 chairs and 3 desks/WEB/NEW"
expect_jq "1. lead: person and company" "$out" '.result | .NAME + " " + .LAST_NAME + " / " + .COMPANY_TITLE' "Amina Otieno / Savanna Office Supplies"
expect_jq "1. lead: phone" "$out" '.result.PHONE | map(.VALUE + " " + .VALUE_TYPE) | join(",")' "+254 712 345 678 WORK"
expect_jq "1. lead: e-mail" "$out" '.result.EMAIL | map(.VALUE + " " + .VALUE_TYPE) | join(",")' "amina@savanna.example WORK"
expect_jq "1. lead: created by and assigned to the intake user" "$out" '.result.CREATED_BY_ID + "/" + .result.ASSIGNED_BY_ID' "2/2"
expect_code "1. intake may not read deals" "$(get "$I/crm.deal.list")" "403 ACCESS_DENIED"
expect_code "1. intake may not assign the lead" "$(post "$I/crm.lead.update" "{\"id\":$L,\"fields\":{\"ASSIGNED_BY_ID\":4}}")" "403 ACCESS_DENIED"
expect_code "1. Sam does not see the unassigned lead" "$(get "$S/crm.lead.get?id=$L")" "403 ACCESS_DENIED"

# ---------------------------------------------------------------- 2. assigned to a salesperson
expect_code "2. head of Sales assigns the lead to Sam" "$(post "$H/crm.lead.update" "{\"id\":$L,\"fields\":{\"ASSIGNED_BY_ID\":4}}")" "200 "
out=$(post "$H/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":1,\"OWNER_ID\":$L,\"TYPE_ID\":6,
  \"SUBJECT\":\"Call back the web enquiry\",\"RESPONSIBLE_ID\":4,\"DEADLINE\":\"2030-01-15T10:00:00+00:00\"}}")
expect_code "2. a to-do for Sam on the lead" "$out" "200 "
ACT=$(jqo "$out" .result)
expect_jq "2. Sam sees the lead now" "$(get "$S/crm.lead.get?id=$L")" '.result.ASSIGNED_BY_ID' 4
expect_code "2. the intake user no longer does" "$(get "$I/crm.lead.get?id=$L")" "403 ACCESS_DENIED"
out=$(post "$S/crm.activity.list" '{"filter":{"RESPONSIBLE_ID":4,"COMPLETED":"N"},"select":["ID","SUBJECT","OWNER_TYPE_ID","OWNER_ID","RESPONSIBLE_ID","AUTHOR_ID"]}')
expect_jq "2. Sam's open to-dos: the call-back on the lead" "$out" '[.result[] | "\(.ID):\(.SUBJECT):\(.OWNER_TYPE_ID):\(.OWNER_ID):\(.AUTHOR_ID)"] | join(",")' "$ACT:Call back the web enquiry:1:$L:3"
expect_code "2. Sam completes the to-do" "$(post "$S/crm.activity.update" "{\"id\":$ACT,\"fields\":{\"COMPLETED\":\"Y\"}}")" "200 "
expect_jq "2. the to-do is completed" "$(get "$S/crm.activity.get?id=$ACT")" '.result.COMPLETED' Y

# ---------------------------------------------------------------- 3. conversion
BEFORE=$(counts)
out=$(post "$S/crm.lead.convert" "{\"id\":$L}")
expect_code "3. Sam converts the lead" "$out" "200 "
CT=$(jqo "$out" .result.CONTACT_ID)
CO=$(jqo "$out" .result.COMPANY_ID)
D=$(jqo "$out" .result.DEAL_ID)
check "3. contact, company and deal created" test "${CT:-0}" -gt 0 -a "${CO:-0}" -gt 0 -a "${D:-0}" -gt 0
expect_eq "3. one contact, one company, one deal more" "$(counts)" "$(awk -F/ -v OFS=/ '{ $1++; $2++; $3++; print }' <<<"$BEFORE")"
out=$(get "$S/crm.deal.get?id=$D")
expect_jq "3. deal: company, contact, lead" "$out" '.result | .COMPANY_ID + "/" + .CONTACT_ID + "/" + .LEAD_ID' "$CO/$CT/$L"
expect_jq "3. deal: Sam's, from the web, first stage" "$out" '.result | .ASSIGNED_BY_ID + "/" + .SOURCE_ID + "/" + .STAGE_ID + "/" + .CLOSED' "4/WEB/NEW/N"
expect_jq "3. deal: contact bound" "$(get "$S/crm.deal.contact.items.get?id=$D")" '[.result[].CONTACT_ID | tostring] | join(",")' "$CT"
expect_jq "3. contact: company bound" "$(get "$S/crm.contact.company.items.get?id=$CT")" '[.result[].COMPANY_ID | tostring] | join(",")' "$CO"
out=$(get "$S/crm.contact.get?id=$CT")
expect_jq "3. contact: name, phone, e-mail, lead" "$out" '.result | .NAME + " " + .LAST_NAME + "/" + .PHONE[0].VALUE + "/" + .EMAIL[0].VALUE + "/" + .LEAD_ID' "Amina Otieno/+254 712 345 678/amina@savanna.example/$L"
out=$(get "$S/crm.company.get?id=$CO")
expect_jq "3. company: title, phone, lead, owner" "$out" '.result | .TITLE + "/" + .PHONE[0].VALUE + "/" + .LEAD_ID + "/" + .ASSIGNED_BY_ID' "Savanna Office Supplies/+254 712 345 678/$L/4"
out=$(get "$S/crm.lead.get?id=$L")
expect_jq "3. lead: CONVERTED, success, linked" "$out" '.result | .STATUS_ID + "/" + .STATUS_SEMANTIC_ID + "/" + .CONTACT_ID + "/" + .COMPANY_ID' "CONVERTED/S/$CT/$CO"

# converting again: refused, nothing created
BEFORE=$(counts)
TL_BEFORE=$(jqo "$(get "$A/crm.timeline.list?entityTypeId=1&entityId=$L")" .total)
out=$(post "$S/crm.lead.convert" "{\"id\":$L}")
expect_code "3. converting again is refused" "$out" "400 LEAD_ALREADY_CONVERTED"
check "3. the refusal has a description" test -n "$(jqo "$out" '.error_description // empty')"
expect_code "3. also for the administrator" "$(post "$A/crm.lead.convert" "{\"id\":$L,\"fields\":{\"CREATE_DEAL\":\"Y\"}}")" "400 LEAD_ALREADY_CONVERTED"
expect_eq "3. nothing created by the refused conversions" "$(counts)" "$BEFORE"
expect_jq "3. nor written on the lead's timeline" "$(get "$A/crm.timeline.list?entityTypeId=1&entityId=$L")" .total "$TL_BEFORE"
expect_jq "3. the lead is unchanged" "$(get "$S/crm.lead.get?id=$L")" '.result.STATUS_ID + "/" + .result.CONTACT_ID' "CONVERTED/$CT"

# ---------------------------------------------------------------- 4. product rows
P1=$(must "4. product: chair" "$(post "$A/crm.product.add" '{"fields":{"NAME":"Ergonomic chair","PRICE":250,"CURRENCY_ID":"USD"}}')" .result)
P2=$(must "4. product: desk" "$(post "$A/crm.product.add" '{"fields":{"NAME":"Standing desk","PRICE":600,"CURRENCY_ID":"USD"}}')" .result)
ROWS="[{\"PRODUCT_ID\":$P1,\"PRICE\":250,\"QUANTITY\":8},{\"PRODUCT_ID\":$P2,\"PRICE\":600,\"QUANTITY\":3}]"
expect_jq "4. Sam sets the deal's product rows" "$(post "$S/crm.deal.productrows.set" "{\"id\":$D,\"rows\":$ROWS}")" .result true
out=$(get "$S/crm.deal.productrows.get?id=$D")
expect_jq "4. rows: products and quantities" "$out" '[.result[] | "\(.PRODUCT_ID):\(.PRODUCT_NAME):\(.QUANTITY)"] | join(",")' "$P1:Ergonomic chair:8,$P2:Standing desk:3"
SUM=$(jqo "$out" '[.result[] | (.PRICE | tonumber) * (.QUANTITY | tonumber)] | add')
expect_eq "4. rows sum to 8*250 + 3*600" "$SUM" 3800
expect_jq "4. OPPORTUNITY equals the rows' sum" "$(get "$S/crm.deal.get?id=$D")" '.result.OPPORTUNITY | tonumber' "$SUM"

# ---------------------------------------------------------------- 5. quote and invoice
out=$(post "$S/crm.quote.add" "{\"fields\":{\"TITLE\":\"Quote: office furniture\",\"DEAL_ID\":$D,\"COMPANY_ID\":$CO,\"CONTACT_ID\":$CT}}")
expect_code "5. Sam adds a quote" "$out" "200 "
Q=$(jqo "$out" .result)
expect_jq "5. quote product rows" "$(post "$S/crm.quote.productrows.set" "{\"id\":$Q,\"rows\":$ROWS}")" .result true
out=$(get "$S/crm.quote.get?id=$Q")
expect_jq "5. quote: deal, company, contact" "$out" '.result | .DEAL_ID + "/" + .COMPANY_ID + "/" + .CONTACT_ID' "$D/$CO/$CT"
expect_jq "5. quote: amount follows its rows" "$out" '.result.OPPORTUNITY | tonumber' "$SUM"
expect_jq "5. the deal's quotes" "$(post "$S/crm.quote.list" "{\"filter\":{\"DEAL_ID\":$D},\"select\":[\"ID\"]}")" '[.result[].ID] | join(",")' "$Q"
out=$(post "$S/crm.item.add" "{\"entityTypeId\":31,\"fields\":{\"title\":\"Invoice: office furniture\",\"parentId2\":$D,\"companyId\":$CO,\"contactId\":$CT}}")
expect_code "5. Sam adds an invoice for the deal" "$out" "200 "
INV=$(jqo "$out" .result.item.id)
out=$(post "$S/crm.item.productrow.set" "{\"ownerType\":\"SI\",\"ownerId\":$INV,\"productRows\":[{\"productId\":$P1,\"price\":250,\"quantity\":8},{\"productId\":$P2,\"price\":600,\"quantity\":3}]}")
expect_code "5. invoice product rows" "$out" "200 "
out=$(post "$S/crm.item.get" "{\"entityTypeId\":31,\"id\":$INV}")
expect_jq "5. invoice: deal, company, contact, amount" "$out" '.result.item | "\(.parentId2)/\(.companyId)/\(.contactId)/\(.opportunity)"' "$D/$CO/$CT/$SUM"
expect_jq "5. the deal's invoices" "$(post "$S/crm.item.list" "{\"entityTypeId\":31,\"filter\":{\"parentId2\":$D},\"select\":[\"id\"]}")" '[.result.items[].id] | map(tostring) | join(",")' "$INV"
expect_code "5. payment recorded: the invoice is paid" "$(post "$S/crm.item.update" "{\"entityTypeId\":31,\"id\":$INV,\"fields\":{\"stageId\":\"DT31_1:P\"}}")" "200 "
expect_jq "5. invoice stage paid" "$(post "$S/crm.item.get" "{\"entityTypeId\":31,\"id\":$INV}")" '.result.item.stageId' "DT31_1:P"

# ---------------------------------------------------------------- 6. the pipeline
prev=NEW
MOVES=()
for st in PREPARATION PREPAYMENT_INVOICE EXECUTING FINAL_INVOICE WON; do
    expect_code "6. deal moves $prev -> $st" "$(post "$S/crm.deal.update" "{\"id\":$D,\"fields\":{\"STAGE_ID\":\"$st\"}}")" "200 "
    sem=P closed=N
    [ "$st" == WON ] && sem=S closed=Y
    expect_jq "6. deal at $st: semantic $sem, closed $closed" "$(get "$S/crm.deal.get?id=$D")" '.result | .STAGE_ID + "/" + .STAGE_SEMANTIC_ID + "/" + .CLOSED' "$st/$sem/$closed"
    MOVES+=("$prev->$st")
    prev=$st
done
expect_jq "6. won deals of Sam" "$(post "$S/crm.deal.list" '{"filter":{"STAGE_SEMANTIC_ID":"S"},"select":["ID"]}')" '[.result[].ID] | join(",")' "$D"

# ---------------------------------------------------------------- 7. the timeline
out=$(post "$S/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"COMMENT\":\"Delivered and paid, thank you Amina\"}}")
expect_code "7. Sam comments on the deal" "$out" "200 "
CM=$(jqo "$out" .result)
out=$(get "$S/crm.timeline.list?entityTypeId=2&entityId=$D")
expect_code "7. the deal's timeline" "$out" "200 "
expect_jq "7. newest first: the comment" "$out" '.result[0] | "\(.type):\(.id):\(.data.comment)"' "comment:$CM:Delivered and paid, thank you Amina"
expect_jq "7. creation" "$out" '[.result[] | select(.type == "created")] | length' 1
expect_jq "7. the conversion that made it" "$out" '.result[] | select(.type == "conversion") | "\(.data.leadId)/\(.data.contactId)/\(.data.companyId)/\(.data.dealId)"' "$L/$CT/$CO/$D"
expect_jq "7. every stage move, in order" "$out" '[.result[] | select(.type == "stage_changed") | .data.old + "->" + .data.new] | reverse | join(",")' "$(IFS=,; echo "${MOVES[*]}")"
expect_jq "7. the last move is a success" "$out" '[.result[] | select(.type == "stage_changed")][0].data.semantic' S
expect_jq "7. the amount change from the product rows" "$out" '[.result[] | select(.type == "field_changed" and .data.field == "OPPORTUNITY") | "\(.data.old | tonumber)->\(.data.new | tonumber)"] | join(",")' "0->$SUM"
expect_jq "7. stage moves are Sam's" "$out" '[.result[] | select(.type == "stage_changed") | .authorId] | unique | map(tostring) | join(",")' 4
out=$(get "$S/crm.timeline.list?entityTypeId=1&entityId=$L")
expect_jq "7. the lead's timeline shows the conversion" "$out" '.result[] | select(.type == "conversion") | "\(.data.contactId)/\(.data.companyId)/\(.data.dealId)"' "$CT/$CO/$D"
expect_jq "7. the lead's timeline shows the assignment" "$out" '[.result[] | select(.type == "field_changed" and .data.field == "ASSIGNED_BY_ID") | "\(.data.old)->\(.data.new)"] | join(",")' "2->4"
expect_jq "7. the lead's timeline shows the to-do, added and completed" "$out" "[.result[] | select(.type == \"activity\" and .refId == $ACT) | .data.action] | join(\",\")" "completed,added"
expect_jq "7. the lead's status move to CONVERTED" "$out" '[.result[] | select(.type == "stage_changed") | .data.new] | join(",")' CONVERTED

# ---------------------------------------------------------------- 8. visibility and search
out=$(post "$U/crm.deal.add" '{"fields":{"TITLE":"Sue: conference tables","OPPORTUNITY":900,"CURRENCY_ID":"USD"}}')
expect_code "8. Sue adds her own deal" "$out" "200 "
DU=$(jqo "$out" .result)
expect_code "8. Sam cannot read Sue's deal" "$(get "$S/crm.deal.get?id=$DU")" "403 ACCESS_DENIED"
out=$(get "$S/crm.deal.list?select[]=ID")
expect_jq "8. Sam's deal list has only his deal" "$out" '([.result[].ID] | join(",")) + "/\(.total)"' "$D/1"
expect_code "8. Sam cannot read Sue's deal's timeline" "$(get "$S/crm.timeline.list?entityTypeId=2&entityId=$DU")" "403 ACCESS_DENIED"
expect_code "8. Sam cannot move Sue's deal" "$(post "$S/crm.deal.update" "{\"id\":$DU,\"fields\":{\"STAGE_ID\":\"LOSE\"}}")" "403 ACCESS_DENIED"
expect_jq "8. nor find it" "$(post "$S/crm.search" '{"query":"conference"}')" '.result | length' 0
expect_jq "8. (Sue finds it)" "$(post "$U/crm.search" '{"query":"conference"}')" '[.result[] | "\(.entityTypeId):\(.id)"] | join(",")' "2:$DU"
expect_code "8. Sue cannot read Sam's deal" "$(get "$U/crm.deal.get?id=$D")" "403 ACCESS_DENIED"
expect_jq "8. the head of Sales sees both deals" "$(get "$H/crm.deal.list?select[]=ID&order[ID]=ASC")" '[.result[].ID] | join(",")' "$D,$DU"
hits() { jqo "$1" '[.result[] | "\(.entityTypeId):\(.id)"] | sort | join(",")'; }
out=$(post "$S/crm.search" '{"query":"savanna"}')
expect_code "8. Sam searches" "$out" "200 "
expect_match "8. Sam finds the company by name" "$(hits "$out")" "(^|,)4:$CO(,|$)"
expect_eq "8. by company name: the lead, the contact and the company" "$(hits "$out")" "1:$L,3:$CT,4:$CO"
out=$(post "$S/crm.search" '{"query":"254712345678","entityTypes":["company"]}')
expect_eq "8. Sam finds the company by phone digits" "$(hits "$out")" "4:$CO"
expect_eq "8. by the last digits typed as written" "$(hits "$(post "$S/crm.search" '{"query":"712 345 678"}')")" "1:$L,3:$CT,4:$CO"
expect_eq "8. Sue finds none of Sam's records" "$(hits "$(post "$U/crm.search" '{"query":"savanna"}')")" ""
expect_eq "8. nor by phone" "$(hits "$(post "$U/crm.search" '{"query":"254712345678"}')")" ""

t_finish
