-- wrk script: GET /jobs/bench-job-NNNN for a random one of the 1,000 loaded jobs.
request = function()
    return wrk.format("GET", string.format("/jobs/bench-job-%04d", math.random(0, 999)))
end
