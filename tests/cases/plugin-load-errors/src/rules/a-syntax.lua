return {
  id = "syntax-error",
  check = function(isms, report)
    if then end
  end,
}
