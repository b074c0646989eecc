#!/usr/bin/env bash
# Products and product rows: crm.product.* in the legacy format; crm.deal/quote/lead.productrows
# set/get with discounts and taxes and the owner's OPPORTUNITY and TAX_VALUE that follow
# (IS_MANUAL_OPPORTUNITY=Y keeps the amount); refused rows (missing product, bad discounts,
# bad numbers) leave the old rows and amount; permissions of the owner apply; the typed
# crm.item.productrow.* methods; deleting a product or an owner.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$'
# rows_of TYPE ID: "PRODUCT_ID:PRICE:QUANTITY" of the stored rows, by sort
rows_of() {
    sql "SELECT group_concat(product_id || ':' || price || ':' || quantity, ',') FROM
        (SELECT * FROM crm_product_row WHERE owner_type = '$1' AND owner_id = $2 ORDER BY sort, id)"
}

# ---------------------------------------------------------------- products
out=$(get "$A/crm.product.fields")
expect_jq "crm.product.fields: NAME is required" "$out" '.result.NAME.isRequired' true
expect_jq "crm.product.fields: PRICE is a double, ID read-only" "$out" '.result.PRICE.type + "/" + (.result.ID.isReadOnly|tostring)' double/true

out=$(post "$A/crm.product.add" '{"fields":{"NAME":"Widget","PRICE":100,"CURRENCY_ID":"eur",
  "DESCRIPTION":"A widget","VAT_INCLUDED":"Y","SORT":10,"XML_ID":"w-1","MEASURE":5,"NOPE":1}}')
expect_eq "crm.product.add returns an integer id" "$(jqo "$out" '.result | type'):$(jqo "$out" .result)" "number:1"
P2=$(add "$A" product '{"NAME":"Gadget","PRICE":"20.5"}')
expect_eq "second product" "$P2" 2
out=$(get "$A/crm.product.get?id=1")
expect_jq "product: legacy strings" "$out" '[.result.ID, .result.PRICE, .result.CURRENCY_ID, .result.SORT, .result.MEASURE] | join(",")' "1,100.00,EUR,10,5"
expect_jq "product: defaults and flags" "$out" '[.result.ACTIVE, .result.VAT_INCLUDED, .result.DESCRIPTION_TYPE, .result.CREATED_BY] | join(",")' "Y,Y,text,1"
expect_match "product: DATE_CREATE is ISO" "$(jqo "$out" .result.DATE_CREATE)" "$ISO"
expect_jq "product: base currency by default" "$(get "$A/crm.product.get?id=$P2")" '.result.CURRENCY_ID + " " + .result.PRICE' "USD 20.50"

N0=$(count product)
expect_code "product without NAME" "$(post "$A/crm.product.add" '{"fields":{"PRICE":1}}')" "400 BX_EMPTY_REQUIRED"
expect_code "product with an unknown currency" "$(post "$A/crm.product.add" '{"fields":{"NAME":"x","CURRENCY_ID":"XYZ"}}')" "400 INVALID_ARG_VALUE"
expect_code "product with a bad price" "$(post "$A/crm.product.add" '{"fields":{"NAME":"x","PRICE":"cheap"}}')" "400 INVALID_ARG_VALUE"
expect_code "product fields must be an object" "$(post "$A/crm.product.add" '{"fields":"NAME=x"}')" "400 INVALID_ARG_VALUE"
expect_eq "refused products wrote nothing" "$(count product)" "$N0"

expect_jq "crm.product.update" "$(post "$A/crm.product.update" '{"id":2,"fields":{"PRICE":25,"ACTIVE":"N"}}')" '.result' true
expect_jq "update applied" "$(get "$A/crm.product.get?id=2")" '.result.PRICE + .result.ACTIVE' "25.00N"
expect_code "update emptying NAME" "$(post "$A/crm.product.update" '{"id":2,"fields":{"NAME":""}}')" "400 BX_EMPTY_REQUIRED"
expect_code "update of a missing product" "$(post "$A/crm.product.update" '{"id":99,"fields":{"NAME":"x"}}')" "400 NOT_FOUND"
expect_code "get of a missing product" "$(get "$A/crm.product.get?id=99")" "400 NOT_FOUND"

out=$(post "$A/crm.product.list" '{"filter":{">=PRICE":25},"order":{"PRICE":"ASC"},"select":["ID","NAME"]}')
expect_jq "list: filter, order" "$out" '[.result[].NAME] | join(",")' "Gadget,Widget"
expect_jq "list: select" "$out" '.result[0] | keys | join(",")' "ID,NAME"
expect_jq "list: total" "$out" '.total' 2
expect_jq "list: %NAME" "$(post "$A/crm.product.list" '{"filter":{"%NAME":"idg"}}')" '[.result[].ID] | join(",")' 1
expect_code "list: unknown filter field" "$(post "$A/crm.product.list" '{"filter":{"NOPE":1}}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- deal rows
D=$(add "$A" deal '{"TITLE":"Rows","OPPORTUNITY":999}')
out=$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[
  {\"PRODUCT_ID\":1,\"PRICE\":100,\"QUANTITY\":2,\"DISCOUNT_TYPE_ID\":2,\"DISCOUNT_RATE\":10,\"TAX_RATE\":20,\"TAX_INCLUDED\":\"Y\"},
  {\"PRODUCT_ID\":0,\"PRODUCT_NAME\":\"Setup\",\"PRICE_NETTO\":50,\"DISCOUNT_TYPE_ID\":1,\"DISCOUNT_SUM\":5,\"QUANTITY\":3,\"MEASURE_CODE\":\"006\",\"MEASURE_NAME\":\"m\"}]}")
expect_jq "crm.deal.productrows.set returns true" "$out" '.result' true
out=$(get "$A/crm.deal.productrows.get?id=$D")
expect_jq "two rows" "$out" '.result | length' 2
expect_jq "row 1: name from the product, owner" "$out" '.result[0] | "\(.PRODUCT_NAME):\(.OWNER_TYPE):\(.OWNER_ID):\(.PRODUCT_ID)"' "Widget:D:$D:1"
expect_jq "row 1: prices" "$out" '.result[0] | [.PRICE, .PRICE_EXCLUSIVE, .PRICE_NETTO, .PRICE_BRUTTO, .DISCOUNT_SUM] | map(tostring) | join(",")' "100,83.33,92.59,111.11,9.26"
expect_jq "row 1: flags, defaults" "$out" '.result[0] | "\(.TAX_INCLUDED):\(.MEASURE_CODE):\(.SORT):\(.PRICE_ACCOUNT):\(.ORIGINAL_PRODUCT_NAME):\(.PRODUCT_DESCRIPTION)"' "Y:796:10:100.00:Widget:A widget"
expect_jq "row 2: free text, absolute discount from the list price" "$out" '.result[1] | "\(.PRODUCT_NAME):\(.PRICE):\(.DISCOUNT_RATE):\(.DISCOUNT_TYPE_ID):\(.MEASURE_CODE):\(.MEASURE_NAME):\(.SORT)"' "Setup:45:10:1:6:m:20"
expect_jq "row ids are strings, amounts numbers" "$out" '.result[0] | "\(.ID|type):\(.PRICE|type):\(.QUANTITY|type)"' "string:number:number"
out=$(get "$A/crm.deal.get?id=$D")
expect_jq "deal amount = rows: 2*100 + 3*45" "$out" '.result.OPPORTUNITY' 335.00
expect_jq "deal tax = tax inside row 1" "$out" '.result.TAX_VALUE' 33.33
expect_eq "history has the amount change" "$(sql "SELECT COUNT(*) FROM crm_timeline WHERE owner_type = 2 AND owner_id = $D AND type = 'field_changed' AND data LIKE '%OPPORTUNITY%'")" 1

OLD_ROWS=$(rows_of D "$D")
refused_rows() { # NAME OUT "STATUS CODE"
    expect_code "$1" "$2" "$3"
    expect_eq "$1: rows unchanged" "$(rows_of D "$D")" "$OLD_ROWS"
    expect_jq "$1: amount unchanged" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY' 335.00
}
refused_rows "a row of a missing product" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRODUCT_ID\":2,\"PRICE\":1},{\"PRODUCT_ID\":999,\"PRICE\":10}]}")" "400 ERROR_CORE"
expect_match "the message names the row and product" "$(jqo "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRODUCT_ID\":999}]}")" .error_description)" "row 1.*999"
refused_rows "percentage discount with only a sum" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRICE\":10,\"DISCOUNT_TYPE_ID\":2,\"DISCOUNT_SUM\":3}]}")" "400 ERROR_CORE"
refused_rows "discount type 3" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRICE\":10,\"DISCOUNT_TYPE_ID\":3}]}")" "400 ERROR_CORE"
refused_rows "discount over 100%" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRICE\":10,\"DISCOUNT_RATE\":150}]}")" "400 ERROR_CORE"
refused_rows "negative quantity" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRICE\":10,\"QUANTITY\":-1}]}")" "400 ERROR_CORE"
refused_rows "quantity not a number" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRICE\":10,\"QUANTITY\":\"two\"}]}")" "400 INVALID_ARG_VALUE"
refused_rows "a row that is not an object" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[5]}")" "400 INVALID_ARG_VALUE"
refused_rows "rows missing" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D}")" "400 INVALID_ARG_VALUE"
refused_rows "rows of a missing deal" "$(post "$A/crm.deal.productrows.set" '{"id":999,"rows":[]}')" "400 NOT_FOUND"
refused_rows "no id" "$(post "$A/crm.deal.productrows.set" '{"rows":[]}')" "400 INVALID_ARG_VALUE"
expect_code "get rows of a missing deal" "$(get "$A/crm.deal.productrows.get?id=999")" "400 NOT_FOUND"

out=$(get "$A/crm.deal.productrows.set?id=$D&rows[0][PRODUCT_ID]=2&rows[0][PRICE]=20&rows[0][QUANTITY]=5")
expect_jq "set with PHP brackets (GET)" "$out" '.result' true
expect_eq "set replaced every row" "$(rows_of D "$D")" "2:20.0:5.0"
expect_jq "amount follows: 5*20, no tax" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY + "/" + .result.TAX_VALUE' "100.00/0.00"
expect_jq "empty rows clear the set" "$(post "$A/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[]}")" '.result' true
expect_jq "no rows, amount 0" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY' 0.00
expect_jq "get of no rows is []" "$(get "$A/crm.deal.productrows.get?id=$D")" '.result | length' 0

DM=$(add "$A" deal '{"TITLE":"Manual","OPPORTUNITY":777,"IS_MANUAL_OPPORTUNITY":"Y"}')
post "$A/crm.deal.productrows.set" "{\"id\":$DM,\"rows\":[{\"PRODUCT_ID\":1,\"PRICE\":10}]}" >/dev/null
expect_jq "IS_MANUAL_OPPORTUNITY=Y keeps the amount" "$(get "$A/crm.deal.get?id=$DM")" '.result.OPPORTUNITY' 777.00
expect_eq "... and stores the rows" "$(rows_of D "$DM")" "1:10.0:1.0"

# ---------------------------------------------------------------- quote and lead rows
Q=$(add "$A" quote '{"TITLE":"Offer"}')
out=$(post "$A/crm.quote.productrows.set" "{\"id\":$Q,\"rows\":[{\"PRODUCT_ID\":$P2,\"PRICE_EXCLUSIVE\":100,\"TAX_RATE\":18},{\"PRODUCT_ID\":1,\"PRICE\":50,\"QUANTITY\":2,\"DISCOUNT_RATE\":50}]}")
expect_jq "crm.quote.productrows.set" "$out" '.result' true
out=$(get "$A/crm.quote.productrows.get?id=$Q")
expect_jq "quote row 1: PRICE from PRICE_EXCLUSIVE and tax" "$out" '.result[0] | "\(.OWNER_TYPE):\(.PRICE):\(.PRICE_BRUTTO):\(.PRODUCT_NAME)"' "Q:118:118:Gadget"
expect_jq "quote row 2: percentage discount" "$out" '.result[1] | "\(.PRICE_NETTO):\(.DISCOUNT_SUM):\(.DISCOUNT_TYPE_ID)"' "100:50:2"
expect_jq "quote amount and tax" "$(get "$A/crm.quote.get?id=$Q")" '.result.OPPORTUNITY + "/" + .result.TAX_VALUE' "218.00/18.00"
L=$(add "$A" lead '{"TITLE":"Lead rows"}')
expect_jq "crm.lead.productrows.set" "$(post "$A/crm.lead.productrows.set" "{\"id\":$L,\"rows\":[{\"PRODUCT_ID\":1,\"PRICE\":12.5,\"QUANTITY\":4}]}")" '.result' true
expect_jq "crm.lead.productrows.get" "$(get "$A/crm.lead.productrows.get?id=$L")" '.result[0].OWNER_TYPE + ":" + (.result[0].PRICE|tostring)' "L:12.5"
expect_jq "lead amount" "$(get "$A/crm.lead.get?id=$L")" '.result.OPPORTUNITY' 50.00

# ---------------------------------------------------------------- permissions of the owner
out=$(post "$A/role.add" '{"fields":{"NAME":"Own deals","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_deal":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"},"crm_product":{"READ":"all","ADD":"none","UPDATE":"none","DELETE":"none"}}}}')
ROLE=$(jqo "$out" .result)
post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}" >/dev/null
DBOB=$(add "$A" deal '{"TITLE":"Bob","ASSIGNED_BY_ID":2}')
OLD_ROWS=$(rows_of D "$D")
expect_code "READ=own: rows of another's deal" "$(get "$B/crm.deal.productrows.get?id=$D")" "403 ACCESS_DENIED"
expect_code "UPDATE=own: set rows of another's deal" "$(post "$B/crm.deal.productrows.set" "{\"id\":$D,\"rows\":[{\"PRODUCT_ID\":1}]}")" "403 ACCESS_DENIED"
expect_eq "refused set wrote nothing" "$(rows_of D "$D")" "$OLD_ROWS"
expect_jq "UPDATE=own: rows of an own deal" "$(post "$B/crm.deal.productrows.set" "{\"id\":$DBOB,\"rows\":[{\"PRODUCT_ID\":1,\"PRICE\":3}]}")" '.result' true
expect_jq "READ=own: get own rows" "$(get "$B/crm.deal.productrows.get?id=$DBOB")" '.result[0].PRICE' 3
expect_code "typed: rows of another's deal" "$(post "$B/crm.item.productrow.list" "{\"filter\":{\"=ownerType\":\"D\",\"=ownerId\":$DM}}")" "403 ACCESS_DENIED"
expect_code "products: ADD=none" "$(post "$B/crm.product.add" '{"fields":{"NAME":"x"}}')" "403 ACCESS_DENIED"
expect_jq "products: READ=all" "$(get "$B/crm.product.list")" '.total' 2
expect_jq "methods leaves out what the role denies" "$(get "$B/methods")" '[.result[] | select(startswith("crm.product."))] | join(",")' "crm.product.get,crm.product.list,crm.product.fields"
expect_jq "method.get: a denied method is not available" "$(get "$B/method.get?name=crm.product.add")" '.result.isAvailable' false

# ---------------------------------------------------------------- crm.item.productrow.*
out=$(get "$A/crm.item.productrow.fields")
expect_jq "crm.item.productrow.fields" "$out" '.result.fields.priceNetto.upperName + ":" + .result.fields.id.type' "PRICE_NETTO:integer"
out=$(post "$A/crm.item.productrow.add" "{\"fields\":{\"ownerType\":\"D\",\"ownerId\":$D,\"productId\":1,\"price\":30,\"quantity\":2,\"taxRate\":0}}")
expect_jq "add: typed row" "$out" '.result.productRow | "\(.ownerType):\(.ownerId):\(.productName):\(.price):\(.quantity):\(.id|type)"' "D:$D:Widget:30:2:number"
R1=$(jqo "$out" .result.productRow.id)
out=$(post "$A/crm.item.productrow.add" "{\"fields\":{\"ownerType\":\"D\",\"ownerId\":$D,\"productName\":\"Delivery\",\"price\":15}}")
R2=$(jqo "$out" .result.productRow.id)
expect_jq "add: sort after the last row" "$out" '.result.productRow.sort' 20
expect_jq "amount after two adds" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY' 75.00
out=$(post "$A/crm.item.productrow.list" "{\"filter\":{\"=ownerType\":\"D\",\"=ownerId\":$D},\"order\":{\"id\":\"DESC\"}}")
expect_jq "list: productRows, order" "$out" '[.result.productRows[].id|tostring] | join(",")' "$R2,$R1"
expect_jq "list: total" "$out" '.total' 2
expect_jq "list: further filter" "$(post "$A/crm.item.productrow.list" "{\"filter\":{\"=ownerType\":\"D\",\"=ownerId\":$D,\">price\":20}}")" '[.result.productRows[].id|tostring] | join(",")' "$R1"
expect_code "list without an owner" "$(post "$A/crm.item.productrow.list" '{"filter":{">price":1}}')" "400 INVALID_ARG_VALUE"
expect_code "list of an unsupported owner type" "$(post "$A/crm.item.productrow.list" '{"filter":{"=ownerType":"C","=ownerId":1}}')" "400 ENTITY_TYPE_NOT_SUPPORTED"
out=$(post "$A/crm.item.productrow.update" "{\"id\":$R1,\"fields\":{\"quantity\":3}}")
expect_jq "update keeps the price" "$out" '.result.productRow | "\(.price):\(.quantity)"' "30:3"
expect_jq "amount after the update" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY' 105.00
out=$(post "$A/crm.item.productrow.update" "{\"id\":$R1,\"fields\":{\"discountRate\":50}}")
expect_jq "update of the discount keeps the list price" "$out" '.result.productRow | "\(.price):\(.priceNetto):\(.discountSum)"' "15:30:15"
expect_jq "get" "$(get "$A/crm.item.productrow.get?id=$R1")" '.result.productRow.discountRate' 50
expect_code "update to a missing product" "$(post "$A/crm.item.productrow.update" "{\"id\":$R1,\"fields\":{\"productId\":999}}")" "400 ERROR_CORE"
expect_jq "refused update changed nothing" "$(get "$A/crm.item.productrow.get?id=$R1")" '.result.productRow.productId' 1
out=$(get "$A/crm.item.productrow.delete?id=$R2")
expect_eq "delete answers []" "$(jqo "$out" '.result | tojson')" "[]"
expect_jq "amount after the delete" "$(get "$A/crm.deal.get?id=$D")" '.result.OPPORTUNITY' 45.00
expect_code "get of a deleted row" "$(get "$A/crm.item.productrow.get?id=$R2")" "400 NOT_FOUND"
out=$(post "$A/crm.item.productrow.set" "{\"ownerType\":\"Q\",\"ownerId\":$Q,\"productRows\":[{\"productId\":1,\"price\":10,\"quantity\":10}]}")
expect_jq "set: typed rows back" "$out" '.result.productRows | length' 1
expect_jq "set: quote amount" "$(get "$A/crm.quote.get?id=$Q")" '.result.OPPORTUNITY' 100.00
expect_code "add without an owner" "$(post "$A/crm.item.productrow.add" '{"fields":{"price":1}}')" "400 INVALID_ARG_VALUE"
expect_code "add to a missing owner" "$(post "$A/crm.item.productrow.add" '{"fields":{"ownerType":"D","ownerId":999,"price":1}}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- deleting products and owners
expect_jq "crm.product.delete" "$(get "$A/crm.product.delete?id=1")" '.result' true
expect_code "deleted product is gone" "$(get "$A/crm.product.get?id=1")" "400 NOT_FOUND"
out=$(get "$A/crm.quote.productrows.get?id=$Q")
expect_jq "rows of a deleted product stay as free text" "$out" '.result[0] | "\(.PRODUCT_ID):\(.PRODUCT_NAME)"' "0:Widget"
expect_code "delete of a missing product" "$(get "$A/crm.product.delete?id=1")" "400 NOT_FOUND"
expect_jq "deleting a deal" "$(get "$A/crm.deal.delete?id=$D")" '.result' true
expect_eq "... deletes its rows" "$(sql "SELECT COUNT(*) FROM crm_product_row WHERE owner_type = 'D' AND owner_id = $D")" 0

t_finish
