module gantry.dev/gantry

go 1.19
