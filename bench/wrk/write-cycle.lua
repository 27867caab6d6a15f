-- Add then remove SECOND_FACTOR_TYPE_OTP_SMS, never two in-flight commands on one org:
--   wrk -s write-cycle.lua -H ... BASE_URL -- ORG_FILE BLOCK_SIZE
-- Thread i owns lines [i*BLOCK_SIZE, (i+1)*BLOCK_SIZE) of ORG_FILE (orgs with a custom policy without
-- OTP_SMS). Its k-th request targets org k mod BLOCK_SIZE, adding on even passes over the block and
-- removing on odd ones. A thread has at most its connections' worth of requests in flight, all on
-- consecutive k, so with BLOCK_SIZE well above that no two of them share an org.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local FACTOR = "SECOND_FACTOR_TYPE_OTP_SMS"
local PATH = "/management/v1/policies/login/second_factors"
local adds, removes, size, k = {}, {}, 0, -1

function init(args)
  local orgs = read_lines(args[1])
  size = tonumber(args[2])
  local first = thread_index * size
  assert(#orgs >= first + size, "the org file has too few lines for this thread's block")
  for i = first + 1, first + size do
    local org = { ["x-zitadel-orgid"] = orgs[i] }
    adds[#adds + 1] = wrk.format("POST", PATH, headers_with(org), '{"type":"' .. FACTOR .. '"}')
    removes[#removes + 1] = wrk.format("DELETE", PATH .. "/" .. FACTOR, headers_with(org, { "Content-Type", "content-type" }), nil)
  end
  -- wrk 4.1 calls request() once on the first thread's state to check the request before the run
  -- (script_verify_request) and never sends it; without this step back, that thread would skip its
  -- first org's add and get a 404 for its remove a pass later
  if thread_index == 0 then k = k - 1 end
end

function request()
  k = k + 1
  local slot = k % size + 1
  if math.floor(k / size) % 2 == 0 then return adds[slot] end
  return removes[slot]
end
