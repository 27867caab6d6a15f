-- One request, the same every time: wrk -s fixed-request.lua -H ... URL -- METHOD [BODY]
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

function init(args)
  wrk.method = args[1]
  wrk.body = args[2]
end
