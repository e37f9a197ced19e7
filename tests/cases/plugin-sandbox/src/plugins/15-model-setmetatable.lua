return {
  id = "model-setmetatable",
  severity = "error",
  check = function(isms, report, options)
    setmetatable(isms.by_id, {})
  end,
}
