//go:build !gccgo

#include "textflag.h"

// func getg() unsafe.Pointer
//
// On arm64 g lives in a register (R28), which the assembler names g.
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVD g, R0
	MOVD R0, ret+0(FP)
	RET

// func callerFP() unsafe.Pointer
//
// Frameless, so R29 still holds the frame pointer of the Go function that
// called it.
TEXT ·callerFP(SB),NOSPLIT,$0-8
	MOVD R29, R0
	MOVD R0, ret+0(FP)
	RET
