-- Password logins (argon2id on the server), rotating over the seeded users.
local bench = require("common")
bench.scenario(function(user, password)
  local body = string.format('{"username": "%s", "password": "%s"}', user.name, password)
  return { bench.send("POST", "/api/token/", nil, body) }
end)
