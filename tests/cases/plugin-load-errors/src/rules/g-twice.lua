return {
  {
    id = "twice",
    check = function(isms, report) report(nil, "first") end,
  },
  {
    id = "twice",
    check = function(isms, report) report(nil, "second") end,
  },
}
