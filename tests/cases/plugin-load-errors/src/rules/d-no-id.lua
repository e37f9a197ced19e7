return {
  severity = "error",
  check = function() end,
}
