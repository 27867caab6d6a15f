-- The same request to a random org each time: wrk -s random-org.lua -H ... URL -- ORG_FILE METHOD [BODY]
-- ORG_FILE holds one org id per line. Requests are built once in init, so the client spends its CPU
-- on sending, not on formatting.
--
-- Always 10,000 distinct request texts, whatever the number of orgs (the file's orgs in turn, each
-- text numbered in an `x-bench-request` header): wrk's LuaJIT interns every string, so 10 orgs would
-- otherwise be 10 texts that stay in the client's CPU cache while 10,000 orgs are 10 MB that do not,
-- and the rows compared would differ in the load generator's cost as well as in the service's.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local REQUEST_TEXTS = 10000
local prepared = {}

function init(args)
  wrk.method = args[2]
  wrk.body = args[3]
  local orgs = read_lines(args[1])
  for i = 1, math.max(REQUEST_TEXTS, #orgs) do
    local org = orgs[(i - 1) % #orgs + 1]
    prepared[i] = wrk.format(nil, nil, headers_with({ ["x-zitadel-orgid"] = org, ["x-bench-request"] = string.format("%05d", i) }))
  end
  math.randomseed(os.time() + 7919 * thread_index)
end

function request()
  return prepared[math.random(#prepared)]
end
