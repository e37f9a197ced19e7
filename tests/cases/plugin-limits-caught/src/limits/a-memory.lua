-- Out of memory, caught: the rule goes on, and what it reports is kept.
return { id="p-pmem", severity="warning", check=function(isms, report) local ok, e = pcall(function() local t={} while true do t[#t+1]={} end end) report(nil, "survived: ok=%s err=%s", tostring(ok), tostring(e)) end }
