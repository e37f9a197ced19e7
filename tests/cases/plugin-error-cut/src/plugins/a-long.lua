-- A 10 MiB error message: the diagnostic keeps 4 KiB of it.
return {
  id = "long-error",
  severity = "error",
  check = function(isms, report, options)
    error(string.rep("E", 10 * 1024 * 1024))
  end,
}
