#include "textflag.h"

// func dot8(a, b *float32, n int) float32
// n is a positive multiple of 8.
TEXT ·dot8(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ CX, $16
	JL   tail8

loop16:
	VMOVUPS     (SI), Y2
	VMOVUPS     32(SI), Y3
	VFMADD231PS (DI), Y2, Y0
	VFMADD231PS 32(DI), Y3, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	CMPQ        CX, $16
	JGE         loop16

tail8:
	CMPQ        CX, $8
	JL          done
	VMOVUPS     (SI), Y2
	VFMADD231PS (DI), Y2, Y0

done:
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+24(FP)
	RET

// func axpy8(alpha float32, x, y *float32, n int)
// y += alpha·x; n is a positive multiple of 8.
TEXT ·axpy8(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y0
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX

loop:
	CMPQ        CX, $8
	JL          done
	VMOVUPS     (DI), Y1
	VFMADD231PS (SI), Y0, Y1
	VMOVUPS     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         loop

done:
	VZEROUPPER
	RET

// func cpuidAVX2FMA() bool
// AVX2 and FMA present and YMM state enabled by the OS.
TEXT ·cpuidAVX2FMA(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JL   no
	MOVL $1, AX
	MOVL $0, CX
	CPUID
	MOVL CX, R8
	ANDL $0x18001000, R8 // FMA (12), OSXSAVE (27), AVX (28)
	CMPL R8, $0x18001000
	JNE  no
	MOVL $0, CX
	XGETBV
	ANDL $6, AX // XMM and YMM state
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	MOVL $0, CX
	CPUID
	ANDL $0x20, BX // AVX2 (bit 5)
	CMPL BX, $0x20
	JNE  no
	MOVB $1, ret+0(FP)
no:
	RET

// func scores8(items, x *float32, f, n int, dst *float64)
// dst[i] = float64(dot8(items[i*f:], x, f)) for i < n, same summation order.
TEXT ·scores8(SB), NOSPLIT, $0-40
	MOVQ items+0(FP), SI
	MOVQ x+8(FP), DX
	MOVQ f+16(FP), R8
	MOVQ n+24(FP), R9
	MOVQ dst+32(FP), R10
	TESTQ R9, R9
	JLE  sdone
sitem:
	MOVQ DX, DI
	MOVQ R8, CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ CX, $16
	JL   stail8
sloop16:
	VMOVUPS     (SI), Y2
	VMOVUPS     32(SI), Y3
	VFMADD231PS (DI), Y2, Y0
	VFMADD231PS 32(DI), Y3, Y1
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	CMPQ        CX, $16
	JGE         sloop16
stail8:
	CMPQ        CX, $8
	JL          sred
	VMOVUPS     (SI), Y2
	VFMADD231PS (DI), Y2, Y0
	ADDQ        $32, SI
sred:
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VCVTSS2SD    X0, X0, X0
	VMOVSD       X0, (R10)
	ADDQ         $8, R10
	DECQ         R9
	JNZ          sitem
sdone:
	VZEROUPPER
	RET
