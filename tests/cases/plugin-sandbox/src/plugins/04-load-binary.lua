return {
  id = "load-binary",
  severity = "error",
  check = function(isms, report, options)
    local f = load("\27Lua\84\0\25\147\13\10\26\10")
    assert(f, "binary chunk refused")
  end,
}
