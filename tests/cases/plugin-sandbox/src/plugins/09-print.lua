return {
  id = "print",
  severity = "error",
  check = function(isms, report, options)
    print("hello")
  end,
}
