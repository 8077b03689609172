// Package user is a module that requires example.com/plumb, to test the
// packages of a dependency named on the command line.
package user

import _ "example.com/plumb/racy"
