-- A client's day in 20 requests a user: 12 lists, 5 retrieves, 2 creates, 1 rename
-- (60/25/10/5 %). Created tasks are titled "bench-mixed ..." for the row count.
local bench = require("common")
bench.scenario(function(user)
  local ids = user.ids
  local function id(n) return ids[(n - 1) % #ids + 1] end
  local list = bench.get("/api/tasks/", user)
  local create = bench.send("POST", "/api/tasks/", user,
    string.format('{"title": "bench-mixed %s", "duration": 15}', user.name))
  local out = {}
  for n = 1, 20 do
    if n % 10 == 0 then
      out[n] = create
    elseif n == 7 then
      out[n] = bench.send("PUT", "/api/tasks/" .. id(n) .. "/", user,
        string.format('{"title": "bench-mixed-rename %s"}', user.name))
    elseif n % 4 == 1 then
      out[n] = bench.get("/api/tasks/" .. id(n) .. "/", user)
    else
      out[n] = list
    end
  end
  return out
end)
