-- Out of memory, caught, then another error: the memory limit is named, at
-- the rule's line (the error's line has nothing to do with it).
return {
  id = "memory-then-error",
  severity = "error",
  check = function(isms, report, options)
    pcall(string.rep, "x", 100000000)
    error("boom")
  end,
}
