-- A description that is not UTF-8 (Lua's "\xff" is the byte 0xff): SARIF
-- lists the rule all the same, with U+FFFD for the byte, so that the
-- ruleIndex of every later rule stays right.
return {
  id = "bad-description",
  severity = "warning",
  description = "bad \xff desc",
  check = function(isms, report)
    report(isms.by_id["POL-1"], "reported by the rule whose description is not UTF-8")
  end,
}
