-- crm.lead.add as an SDK sends it: POST with a JSON body, a title unique per request, an
-- amount, a status and a phone (so the multi-field and HAS_PHONE writes are measured too).
-- Shapes requests only.
local n = 0
local tag = ""

init = function(args)
  tag = string.format("%x", (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 0xffffff))
  math.randomseed(os.time() + (tonumber(tag, 16) or 0))
end

request = function()
  n = n + 1
  local body = string.format(
    '{"fields":{"TITLE":"Bench lead %s-%d","NAME":"Amina","LAST_NAME":"Kamau",' ..
    '"STATUS_ID":"NEW","SOURCE_ID":"WEB","OPPORTUNITY":%d,"CURRENCY_ID":"USD",' ..
    '"PHONE":[{"VALUE":"+2547%08d","VALUE_TYPE":"WORK"}]}}',
    tag, n, math.random(100, 900000), math.random(0, 99999999))
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
