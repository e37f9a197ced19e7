return {
  id = "bad-severity",
  severity = "fatal",
  check = function() end,
}
