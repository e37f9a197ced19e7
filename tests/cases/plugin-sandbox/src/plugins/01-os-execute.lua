return {
  id = "os-execute",
  severity = "error",
  check = function(isms, report, options)
    os.execute("touch /tmp/ismsc-pwned")
  end,
}
