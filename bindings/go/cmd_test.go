// SPDX-License-Identifier: Apache-2.0

package gantry

import "os/exec"

func runCmd(name string, args ...string) error {
	return exec.Command(name, args...).Run()
}
