-- pairs walks a table in the same order on every run (SPEC §5: a rule's
-- result depends on the source and as_of only): numbers, strings in byte
-- order, false, true; a key removed during the walk is passed over.
return {
  id = "pairs-order",
  severity = "warning",
  check = function(isms, report, options)
    local t = {b = 1, a = 2, B = 3, key10 = 4, key9 = 5, [10] = 6, [2] = 7, [1.5] = 8,
      [true] = 9, [false] = 10, gone = 11}
    local ks = {}
    for k, v in pairs(t) do
      if k == "b" then t.gone = nil end
      ks[#ks + 1] = tostring(k) .. "=" .. tostring(v)
    end
    report(nil, "%s", table.concat(ks, " "))
    -- integers and floats compared exactly, where doubles would tie
    local big = {[math.maxinteger] = 1, [math.maxinteger - 1] = 2, [2^63] = 3, [-2^64] = 4,
      [math.mininteger] = 5}
    local order = {}
    for _, v in pairs(big) do order[#order + 1] = v end
    report(nil, "big: %s", table.concat(order, " "))
  end,
}
