#include "textflag.h"

// func scores4x8AVX2(x0, x1, x2, x3, ct, cn *float64, d, kp int, out *float64)
//
// For four rows x0..x3 (d values each) and kp centres stored transposed in ct
// (d rows of kp values, kp a multiple of 4) with norms cn, writes
// out[r*kp+j] = cn[j] - 2*dot(x_r, c_j), each dot accumulated with one fused
// multiply-add per dimension in dimension order: bit for bit what
// scores4Generic computes with math.FMA.
TEXT ·scores4x8AVX2(SB), NOSPLIT, $0-72
	MOVQ x0+0(FP), R8
	MOVQ x1+8(FP), R9
	MOVQ x2+16(FP), R10
	MOVQ x3+24(FP), R11
	MOVQ ct+32(FP), SI
	MOVQ cn+40(FP), R14
	MOVQ d+48(FP), CX
	MOVQ kp+56(FP), DX
	MOVQ out+64(FP), DI
	SHLQ $3, DX // bytes per ct row and per out row
	XORQ BX, BX // byte offset of the centre block
	MOVQ DX, R15
	SUBQ $32, R15 // blocks of 8 centres while BX < R15

	CMPQ BX, R15
	JGE  tail

block:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	LEAQ (SI)(BX*1), AX
	XORQ R12, R12
	MOVQ CX, R13

dim:
	VMOVUPD (AX), Y8
	VMOVUPD 32(AX), Y9
	VBROADCASTSD (R8)(R12*1), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VBROADCASTSD (R9)(R12*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VBROADCASTSD (R10)(R12*1), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VBROADCASTSD (R11)(R12*1), Y13
	VFMADD231PD Y8, Y13, Y6
	VFMADD231PD Y9, Y13, Y7
	ADDQ DX, AX
	ADDQ $8, R12
	DECQ R13
	JNZ  dim

	// out = cn - 2*acc (2*acc is exact, so one rounding as in Go).
	VMOVUPD (R14)(BX*1), Y8
	VMOVUPD 32(R14)(BX*1), Y9
	LEAQ    (DI)(BX*1), AX
	VADDPD  Y0, Y0, Y0
	VADDPD  Y1, Y1, Y1
	VSUBPD  Y0, Y8, Y0
	VSUBPD  Y1, Y9, Y1
	VMOVUPD Y0, (AX)
	VMOVUPD Y1, 32(AX)
	ADDQ    DX, AX
	VADDPD  Y2, Y2, Y2
	VADDPD  Y3, Y3, Y3
	VSUBPD  Y2, Y8, Y2
	VSUBPD  Y3, Y9, Y3
	VMOVUPD Y2, (AX)
	VMOVUPD Y3, 32(AX)
	ADDQ    DX, AX
	VADDPD  Y4, Y4, Y4
	VADDPD  Y5, Y5, Y5
	VSUBPD  Y4, Y8, Y4
	VSUBPD  Y5, Y9, Y5
	VMOVUPD Y4, (AX)
	VMOVUPD Y5, 32(AX)
	ADDQ    DX, AX
	VADDPD  Y6, Y6, Y6
	VADDPD  Y7, Y7, Y7
	VSUBPD  Y6, Y8, Y6
	VSUBPD  Y7, Y9, Y7
	VMOVUPD Y6, (AX)
	VMOVUPD Y7, 32(AX)

	ADDQ $64, BX
	CMPQ BX, R15
	JLT  block

tail:
	CMPQ BX, DX
	JGE  done

	// The last four centres.
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	LEAQ   (SI)(BX*1), AX
	XORQ   R12, R12
	MOVQ   CX, R13

dim4:
	VMOVUPD      (AX), Y8
	VBROADCASTSD (R8)(R12*1), Y10
	VFMADD231PD  Y8, Y10, Y0
	VBROADCASTSD (R9)(R12*1), Y11
	VFMADD231PD  Y8, Y11, Y1
	VBROADCASTSD (R10)(R12*1), Y12
	VFMADD231PD  Y8, Y12, Y2
	VBROADCASTSD (R11)(R12*1), Y13
	VFMADD231PD  Y8, Y13, Y3
	ADDQ         DX, AX
	ADDQ         $8, R12
	DECQ         R13
	JNZ          dim4

	VMOVUPD (R14)(BX*1), Y8
	LEAQ    (DI)(BX*1), AX
	VADDPD  Y0, Y0, Y0
	VSUBPD  Y0, Y8, Y0
	VMOVUPD Y0, (AX)
	ADDQ    DX, AX
	VADDPD  Y1, Y1, Y1
	VSUBPD  Y1, Y8, Y1
	VMOVUPD Y1, (AX)
	ADDQ    DX, AX
	VADDPD  Y2, Y2, Y2
	VSUBPD  Y2, Y8, Y2
	VMOVUPD Y2, (AX)
	ADDQ    DX, AX
	VADDPD  Y3, Y3, Y3
	VSUBPD  Y3, Y8, Y3
	VMOVUPD Y3, (AX)

done:
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() uint32
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, ret+0(FP)
	RET

// func accumRowsAVX2(x *float64, lab *int32, w *float64, n, d int, s, ws *float64, mask *uint64)
//
// For rows i < n of x (d values each) whose label a = lab[i] is in mask (a
// bit set; nil means every label): s[a*d+t] = fma(x[i*d+t], w[i], s[a*d+t])
// for every t, and ws[a] += w[i]; in row order, as accumRowsGeneric.
TEXT ·accumRowsAVX2(SB), NOSPLIT, $0-64
	MOVQ x+0(FP), SI
	MOVQ lab+8(FP), R8
	MOVQ w+16(FP), R9
	MOVQ n+24(FP), CX
	MOVQ d+32(FP), DX
	MOVQ s+40(FP), DI
	MOVQ ws+48(FP), R10
	MOVQ mask+56(FP), R15
	TESTQ CX, CX
	JLE  adone
	MOVQ DX, R11
	SHLQ $3, R11 // bytes per row
	MOVQ DX, R12
	ANDQ $-4, R12 // dimensions done four at a time

arow:
	MOVLQSX (R8), AX          // label
	TESTQ R15, R15
	JZ   atake
	MOVQ AX, BX
	SHRQ $6, BX
	MOVQ (R15)(BX*8), BX
	BTQ  AX, BX               // bit a&63 of mask[a>>6]
	JCC  anext

atake:
	PREFETCHT0 1024(SI)       // a few rows ahead
	VBROADCASTSD (R9), Y1     // weight
	MOVQ AX, BX
	IMULQ R11, BX
	ADDQ DI, BX               // &s[lab*d]
	VMOVSD (R10)(AX*8), X2
	VADDSD (R9), X2, X2
	VMOVSD X2, (R10)(AX*8)
	XORQ R13, R13             // dimension
	CMPQ R13, R12
	JGE  atail

avec:
	VMOVUPD (SI)(R13*8), Y0
	VMOVUPD (BX)(R13*8), Y3
	VFMADD231PD Y0, Y1, Y3
	VMOVUPD Y3, (BX)(R13*8)
	ADDQ $4, R13
	CMPQ R13, R12
	JLT  avec

atail:
	CMPQ R13, DX
	JGE  anext
	VMOVSD (SI)(R13*8), X0
	VMOVSD (BX)(R13*8), X3
	VFMADD231SD X0, X1, X3
	VMOVSD X3, (BX)(R13*8)
	INCQ R13
	JMP  atail

anext:
	ADDQ R11, SI
	ADDQ $4, R8
	ADDQ $8, R9
	DECQ CX
	JNZ  arow

adone:
	VZEROUPPER
	RET

// func argminAVX2(v *float64, n int) (int, float64)
//
// The first position of the smallest of v[0:n] (n a positive multiple of 4,
// no NaN) and its value.
TEXT ·argminAVX2(SB), NOSPLIT, $0-32
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPD (SI), Y0
	MOVQ $4, AX

mloop:
	CMPQ AX, CX
	JGE  mred
	VMINPD (SI)(AX*8), Y0, Y0
	ADDQ $4, AX
	JMP  mloop

mred:
	VEXTRACTF128 $1, Y0, X1
	VMINPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VMINSD X1, X0, X0
	VBROADCASTSD X0, Y2

	// Find the first position equal to the minimum without a data-dependent
	// branch per block: the equality masks of up to sixteen blocks (64
	// entries) are packed into one word, last block first, and the lowest set
	// bit is the answer.
	XORQ DX, DX // group start

group:
	LEAQ 64(DX), R8
	CMPQ R8, CX
	CMOVQGT CX, R8 // group end
	XORQ R9, R9
	MOVQ R8, AX

fblock:
	SUBQ $4, AX
	VCMPPD $0, (SI)(AX*8), Y2, Y3
	VMOVMSKPD Y3, BX
	SHLQ $4, R9
	ORQ  BX, R9
	CMPQ AX, DX
	JGT  fblock
	TESTQ R9, R9
	JNZ  gfound
	MOVQ R8, DX
	CMPQ DX, CX
	JLT  group
	XORQ AX, AX // not reached for finite input
	XORQ BX, BX
	JMP  found

gfound:
	BSFQ R9, BX
	MOVQ DX, AX

found:
	ADDQ BX, AX
	MOVQ AX, ret+16(FP)
	VMOVSD X0, ret1+24(FP)
	VZEROUPPER
	RET

// func dotAVX2(x, y *float64, n int) float64
//
// x·y with four-lane partial sums (a bound, not a decision: its rounding
// differs from the scoring kernel's).
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX

d8:
	CMPQ AX, DX
	JGE  d4
	VMOVUPD (SI)(AX*8), Y2
	VMOVUPD 32(SI)(AX*8), Y3
	VFMADD231PD (DI)(AX*8), Y2, Y0
	VFMADD231PD 32(DI)(AX*8), Y3, Y1
	ADDQ $8, AX
	JMP  d8

d4:
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  dred
	VMOVUPD (SI)(AX*8), Y2
	VFMADD231PD (DI)(AX*8), Y2, Y0
	ADDQ $4, AX

dred:
	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0

d1:
	CMPQ AX, CX
	JGE  ddone
	VMOVSD (SI)(AX*8), X2
	VFMADD231SD (DI)(AX*8), X2, X0
	INCQ AX
	JMP  d1

ddone:
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func prefetchRowAsm(p *float64, n int)
//
// Prefetches the n bytes at p into the cache (PREFETCHT0 per 64-byte line).
TEXT ·prefetchRowAsm(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
	ADDQ AX, CX

pline:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	CMPQ AX, CX
	JLT  pline
	RET

// func silSums4x8AVX2(x0, x1, x2, x3, xt, w *float64, d, stride, nblk int, out *float64)
//
// The silhouette's pairwise kernel. For four rows x0..x3 (d values each) and
// nblk blocks of eight columns of xt (stored transposed: dimension t of
// column j at xt[t*stride+j]) with weights w, adds to out[r*8+l] the sum over
// the blocks of w_j·sqrt(Σ_t (x_r[t] − xt[t][j])²), j the block's column l:
// each squared distance is a chain of fused multiply-adds of the differences
// in dimension order, then one square root and one fused multiply-add, as
// silSums4Generic computes it bit for bit. d must be at least 1.
TEXT ·silSums4x8AVX2(SB), NOSPLIT, $0-80
	MOVQ x0+0(FP), R8
	MOVQ x1+8(FP), R9
	MOVQ x2+16(FP), R10
	MOVQ x3+24(FP), R11
	MOVQ xt+32(FP), SI
	MOVQ w+40(FP), R14
	MOVQ d+48(FP), CX
	MOVQ stride+56(FP), DX
	MOVQ nblk+64(FP), BX
	MOVQ out+72(FP), DI
	SHLQ $3, DX // bytes per transposed row
	TESTQ BX, BX
	JZ    silDone

silBlock:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ SI, AX
	XORQ R12, R12
	MOVQ CX, R13

silDim:
	VMOVUPD      (AX), Y8
	VMOVUPD      32(AX), Y9
	VBROADCASTSD (R8)(R12*1), Y10
	VSUBPD       Y8, Y10, Y11
	VSUBPD       Y9, Y10, Y12
	VFMADD231PD  Y11, Y11, Y0
	VFMADD231PD  Y12, Y12, Y1
	VBROADCASTSD (R9)(R12*1), Y10
	VSUBPD       Y8, Y10, Y11
	VSUBPD       Y9, Y10, Y12
	VFMADD231PD  Y11, Y11, Y2
	VFMADD231PD  Y12, Y12, Y3
	VBROADCASTSD (R10)(R12*1), Y10
	VSUBPD       Y8, Y10, Y11
	VSUBPD       Y9, Y10, Y12
	VFMADD231PD  Y11, Y11, Y4
	VFMADD231PD  Y12, Y12, Y5
	VBROADCASTSD (R11)(R12*1), Y10
	VSUBPD       Y8, Y10, Y11
	VSUBPD       Y9, Y10, Y12
	VFMADD231PD  Y11, Y11, Y6
	VFMADD231PD  Y12, Y12, Y7
	ADDQ         DX, AX
	ADDQ         $8, R12
	DECQ         R13
	JNZ          silDim

	VMOVUPD     (R14), Y13
	VMOVUPD     32(R14), Y14
	VSQRTPD     Y0, Y0
	VSQRTPD     Y1, Y1
	VSQRTPD     Y2, Y2
	VSQRTPD     Y3, Y3
	VSQRTPD     Y4, Y4
	VSQRTPD     Y5, Y5
	VSQRTPD     Y6, Y6
	VSQRTPD     Y7, Y7
	VMOVUPD     (DI), Y15
	VFMADD231PD Y13, Y0, Y15
	VMOVUPD     Y15, (DI)
	VMOVUPD     32(DI), Y15
	VFMADD231PD Y14, Y1, Y15
	VMOVUPD     Y15, 32(DI)
	VMOVUPD     64(DI), Y15
	VFMADD231PD Y13, Y2, Y15
	VMOVUPD     Y15, 64(DI)
	VMOVUPD     96(DI), Y15
	VFMADD231PD Y14, Y3, Y15
	VMOVUPD     Y15, 96(DI)
	VMOVUPD     128(DI), Y15
	VFMADD231PD Y13, Y4, Y15
	VMOVUPD     Y15, 128(DI)
	VMOVUPD     160(DI), Y15
	VFMADD231PD Y14, Y5, Y15
	VMOVUPD     Y15, 160(DI)
	VMOVUPD     192(DI), Y15
	VFMADD231PD Y13, Y6, Y15
	VMOVUPD     Y15, 192(DI)
	VMOVUPD     224(DI), Y15
	VFMADD231PD Y14, Y7, Y15
	VMOVUPD     Y15, 224(DI)

	ADDQ $64, SI
	ADDQ $64, R14
	DECQ BX
	JNZ  silBlock

silDone:
	VZEROUPPER
	RET

// func silSums4x8AVX512(x0, x1, x2, x3, xt, w *float64, d, stride, nblk int, out *float64)
//
// silSums4x8AVX2 with one 512-bit register per row and block of eight
// columns: the same operations lane for lane (so the same bits), with twice
// the square roots per instruction, which bound the AVX2 kernel.
TEXT ·silSums4x8AVX512(SB), NOSPLIT, $0-80
	MOVQ x0+0(FP), R8
	MOVQ x1+8(FP), R9
	MOVQ x2+16(FP), R10
	MOVQ x3+24(FP), R11
	MOVQ xt+32(FP), SI
	MOVQ w+40(FP), R14
	MOVQ d+48(FP), CX
	MOVQ stride+56(FP), DX
	MOVQ nblk+64(FP), BX
	MOVQ out+72(FP), DI
	SHLQ $3, DX
	TESTQ BX, BX
	JZ    sil5Done
	VMOVUPD (DI), Z16
	VMOVUPD 64(DI), Z17
	VMOVUPD 128(DI), Z18
	VMOVUPD 192(DI), Z19

sil5Block:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	MOVQ   SI, AX
	XORQ   R12, R12
	MOVQ   CX, R13

sil5Dim:
	VMOVUPD      (AX), Z8
	VBROADCASTSD (R8)(R12*1), Z10
	VBROADCASTSD (R9)(R12*1), Z11
	VBROADCASTSD (R10)(R12*1), Z12
	VBROADCASTSD (R11)(R12*1), Z13
	VSUBPD       Z8, Z10, Z10
	VSUBPD       Z8, Z11, Z11
	VSUBPD       Z8, Z12, Z12
	VSUBPD       Z8, Z13, Z13
	VFMADD231PD  Z10, Z10, Z0
	VFMADD231PD  Z11, Z11, Z1
	VFMADD231PD  Z12, Z12, Z2
	VFMADD231PD  Z13, Z13, Z3
	ADDQ         DX, AX
	ADDQ         $8, R12
	DECQ         R13
	JNZ          sil5Dim

	VMOVUPD     (R14), Z9
	VSQRTPD     Z0, Z0
	VSQRTPD     Z1, Z1
	VSQRTPD     Z2, Z2
	VSQRTPD     Z3, Z3
	VFMADD231PD Z9, Z0, Z16
	VFMADD231PD Z9, Z1, Z17
	VFMADD231PD Z9, Z2, Z18
	VFMADD231PD Z9, Z3, Z19

	ADDQ $64, SI
	ADDQ $64, R14
	DECQ BX
	JNZ  sil5Block

	VMOVUPD Z16, (DI)
	VMOVUPD Z17, 64(DI)
	VMOVUPD Z18, 128(DI)
	VMOVUPD Z19, 192(DI)

sil5Done:
	VZEROUPPER
	RET
