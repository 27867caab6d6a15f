-- The same request to a random org each time: wrk -s random-org.lua -H ... URL -- ORG_FILE METHOD [BODY]
-- ORG_FILE holds one org id per line. Requests are built once in init, so the client spends its CPU
-- on sending, not on formatting.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local prepared = {}

function init(args)
  wrk.method = args[2]
  wrk.body = args[3]
  for _, org in ipairs(read_lines(args[1])) do
    prepared[#prepared + 1] = wrk.format(nil, nil, headers_with({ ["x-zitadel-orgid"] = org }))
  end
  math.randomseed(os.time() + 7919 * thread_index)
end

function request()
  return prepared[math.random(#prepared)]
end
