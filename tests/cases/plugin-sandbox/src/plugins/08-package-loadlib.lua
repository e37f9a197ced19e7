return {
  id = "package-loadlib",
  severity = "error",
  check = function(isms, report, options)
    package.loadlib("libc.so.6", "system")
  end,
}
