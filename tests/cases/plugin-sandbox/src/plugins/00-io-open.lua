return {
  id = "io-open",
  severity = "error",
  check = function(isms, report, options)
    local f = io.open("/tmp/ismsc-pwned", "w")
  end,
}
