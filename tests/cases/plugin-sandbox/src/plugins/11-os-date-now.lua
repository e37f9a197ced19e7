return {
  id = "os-date-now",
  severity = "error",
  check = function(isms, report, options)
    local d = os.date("%Y")
  end,
}
