-- math.random and math.randomseed as Lua 5.4 has them: the numbers below
-- are what Lua 5.4's own draw after the same calls.
local function draws()
  local out = {}
  local function add(...) for _, v in ipairs({...}) do out[#out + 1] = tostring(v) end end
  math.randomseed(27001)
  add(math.random(1, 1000000), math.random(1, 1000000), math.random(1, 1000000))
  add(string.format("%.17g", math.random()), math.random(0), math.random(10), math.random(-5, 5))
  add(math.random(math.mininteger, math.maxinteger), math.random(3, 3), math.random(0, 6))
  add(select("#", math.randomseed(7, 8)), math.random(100))
  add(math.randomseed(-1))
  add(math.random(1, 1000000))
  return table.concat(out, " ")
end

local function fails(f)
  local ok, e = pcall(f)
  return ok and "no error" or e:gsub("^[^:]*:%d+: ", "")
end

return {
  id = "semantics",
  severity = "warning",
  check = function(isms, report, options)
    report(nil, "%s", draws())
    report(nil, "%s", fails(function() return math.random(2, 1) end))
    report(nil, "%s", fails(function() return math.random(1, 2, 3) end))
    report(nil, "%s", fails(function() return math.random(1.5) end))
  end,
}
