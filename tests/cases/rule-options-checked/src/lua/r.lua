return {
  { id = "my-rule", severity = "warning", options = { limit = "integer", flag = "boolean", name = "string" },
    check = function(i, report, o) report(nil, "limit %s", tostring(o.limit)) end },
  { id = "bad-opts", severity = "warning", options = { x = "date" }, check = function() end },
  { id = "bad-opts2", severity = "warning", options = "integer", check = function() end },
}
