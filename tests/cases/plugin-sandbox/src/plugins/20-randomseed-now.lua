return {
  id = "randomseed-now",
  severity = "error",
  check = function(isms, report, options)
    math.randomseed()
  end,
}
