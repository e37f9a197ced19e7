return {
  id = "os-remove",
  severity = "error",
  check = function(isms, report, options)
    os.remove("isms.yaml")
  end,
}
