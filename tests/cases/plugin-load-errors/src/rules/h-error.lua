return {
  id = "raises",
  check = function(isms, report)
    local risks = isms.risks
    error("no risks to check: " .. #risks)
  end,
}
