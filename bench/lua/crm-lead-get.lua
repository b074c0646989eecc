-- crm.lead.get of a random lead among the generated ones (BENCH_CRM_LEADS, from the CRM setup
-- hook), as GET ?id=N. Each wrk thread seeds its own generator. Shapes requests only.
local max_id = tonumber(os.getenv("BENCH_CRM_LEADS") or "1000000")

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

request = function()
  return wrk.format("GET", wrk.path .. "?id=" .. math.random(1, max_id))
end
