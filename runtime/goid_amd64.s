//go:build !gccgo

#include "textflag.h"

// func getg() unsafe.Pointer
//
// The assembler turns (TLS) into the platform's thread-local access to
// the g slot, in any package and build mode (as the runtime's own get_tls
// does); an ABI0 function may clobber AX, and R14 is not read because
// only ABIInternal code may rely on it.
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET

// func callerFP() unsafe.Pointer
//
// Frameless, so BP still holds the frame pointer of the Go function that
// called it.
TEXT ·callerFP(SB),NOSPLIT,$0-8
	MOVQ BP, AX
	MOVQ AX, ret+0(FP)
	RET
