return {
  id = "table-growth",
  severity = "error",
  check = function(isms, report, options)
    local t = {}
    local i = 0
    while true do
      i = i + 1
      t[i] = {i}
    end
  end,
}
