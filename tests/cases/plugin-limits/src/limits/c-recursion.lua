local function deeper(n)
  return deeper(n + 1) + 1
end

return {
  id = "runaway-recursion",
  severity = "error",
  check = function(isms, report, options)
    deeper(1)
  end,
}
