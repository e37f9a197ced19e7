return {
  {
    id = "schema",
    check = function() end,
  },
  {
    id = "policy-approval",
    check = function() end,
  },
}
