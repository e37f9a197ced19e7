return {
  {
    id = "mine-error",
    severity = "error",
    check = function(isms, report) report(isms.by_id["POL-1"], "demoted to a warning") end,
  },
  {
    id = "mine-off",
    severity = "error",
    check = function(isms, report) report(nil, "never printed") end,
  },
  {
    id = "mine-options",
    severity = "warning",
    description = "Shows the options table.",
    check = function(isms, report, options)
      report(nil, "limit=%d names=%s,%s severity=%s kinds=%s", options.limit, options.names[1],
        options.names[2], options.severity, tostring(isms.kinds.policy.fields.owner.required))
    end,
  },
}
