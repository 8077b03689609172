// Package timing holds race-free tests whose timing assumptions hold
// under go test -race and must hold under gocsan: a deadline met by
// code that runs many access sites for the first time, and a
// testing/synctest bubble with timers.
package timing

// The variables a worker writes once each: every write is an access
// site of its own, run for the first time, which gocsan watches
// whatever its delay budget.
var (
	v0   int
	v1   int
	v2   int
	v3   int
	v4   int
	v5   int
	v6   int
	v7   int
	v8   int
	v9   int
	v10  int
	v11  int
	v12  int
	v13  int
	v14  int
	v15  int
	v16  int
	v17  int
	v18  int
	v19  int
	v20  int
	v21  int
	v22  int
	v23  int
	v24  int
	v25  int
	v26  int
	v27  int
	v28  int
	v29  int
	v30  int
	v31  int
	v32  int
	v33  int
	v34  int
	v35  int
	v36  int
	v37  int
	v38  int
	v39  int
	v40  int
	v41  int
	v42  int
	v43  int
	v44  int
	v45  int
	v46  int
	v47  int
	v48  int
	v49  int
	v50  int
	v51  int
	v52  int
	v53  int
	v54  int
	v55  int
	v56  int
	v57  int
	v58  int
	v59  int
	v60  int
	v61  int
	v62  int
	v63  int
	v64  int
	v65  int
	v66  int
	v67  int
	v68  int
	v69  int
	v70  int
	v71  int
	v72  int
	v73  int
	v74  int
	v75  int
	v76  int
	v77  int
	v78  int
	v79  int
	v80  int
	v81  int
	v82  int
	v83  int
	v84  int
	v85  int
	v86  int
	v87  int
	v88  int
	v89  int
	v90  int
	v91  int
	v92  int
	v93  int
	v94  int
	v95  int
	v96  int
	v97  int
	v98  int
	v99  int
	v100 int
	v101 int
	v102 int
	v103 int
	v104 int
	v105 int
	v106 int
	v107 int
	v108 int
	v109 int
	v110 int
	v111 int
	v112 int
	v113 int
	v114 int
	v115 int
	v116 int
	v117 int
	v118 int
	v119 int
	v120 int
	v121 int
	v122 int
	v123 int
	v124 int
	v125 int
	v126 int
	v127 int
	v128 int
	v129 int
	v130 int
	v131 int
	v132 int
	v133 int
	v134 int
	v135 int
	v136 int
	v137 int
	v138 int
	v139 int
	v140 int
	v141 int
	v142 int
	v143 int
	v144 int
	v145 int
	v146 int
	v147 int
	v148 int
	v149 int
	v150 int
	v151 int
	v152 int
	v153 int
	v154 int
	v155 int
	v156 int
	v157 int
	v158 int
	v159 int
	v160 int
	v161 int
	v162 int
	v163 int
	v164 int
	v165 int
	v166 int
	v167 int
	v168 int
	v169 int
	v170 int
	v171 int
	v172 int
	v173 int
	v174 int
	v175 int
	v176 int
	v177 int
	v178 int
	v179 int
	v180 int
	v181 int
	v182 int
	v183 int
	v184 int
	v185 int
	v186 int
	v187 int
	v188 int
	v189 int
	v190 int
	v191 int
	v192 int
	v193 int
	v194 int
	v195 int
	v196 int
	v197 int
	v198 int
	v199 int
	v200 int
	v201 int
	v202 int
	v203 int
	v204 int
	v205 int
	v206 int
	v207 int
	v208 int
	v209 int
	v210 int
	v211 int
	v212 int
	v213 int
	v214 int
	v215 int
	v216 int
	v217 int
	v218 int
	v219 int
	v220 int
	v221 int
	v222 int
	v223 int
	v224 int
	v225 int
	v226 int
	v227 int
	v228 int
	v229 int
	v230 int
	v231 int
	v232 int
	v233 int
	v234 int
	v235 int
	v236 int
	v237 int
	v238 int
	v239 int
	v240 int
	v241 int
	v242 int
	v243 int
	v244 int
	v245 int
	v246 int
	v247 int
	v248 int
	v249 int
	v250 int
	v251 int
	v252 int
	v253 int
	v254 int
	v255 int
	v256 int
	v257 int
	v258 int
	v259 int
	v260 int
	v261 int
	v262 int
	v263 int
	v264 int
	v265 int
	v266 int
	v267 int
	v268 int
	v269 int
	v270 int
	v271 int
	v272 int
	v273 int
	v274 int
	v275 int
	v276 int
	v277 int
	v278 int
	v279 int
	v280 int
	v281 int
	v282 int
	v283 int
	v284 int
	v285 int
	v286 int
	v287 int
	v288 int
	v289 int
	v290 int
	v291 int
	v292 int
	v293 int
	v294 int
	v295 int
	v296 int
	v297 int
	v298 int
	v299 int
	v300 int
	v301 int
	v302 int
	v303 int
	v304 int
	v305 int
	v306 int
	v307 int
	v308 int
	v309 int
	v310 int
	v311 int
	v312 int
	v313 int
	v314 int
	v315 int
	v316 int
	v317 int
	v318 int
	v319 int
	v320 int
	v321 int
	v322 int
	v323 int
	v324 int
	v325 int
	v326 int
	v327 int
	v328 int
	v329 int
	v330 int
	v331 int
	v332 int
	v333 int
	v334 int
	v335 int
	v336 int
	v337 int
	v338 int
	v339 int
	v340 int
	v341 int
	v342 int
	v343 int
	v344 int
	v345 int
	v346 int
	v347 int
	v348 int
	v349 int
	v350 int
	v351 int
	v352 int
	v353 int
	v354 int
	v355 int
	v356 int
	v357 int
	v358 int
	v359 int
	v360 int
	v361 int
	v362 int
	v363 int
	v364 int
	v365 int
	v366 int
	v367 int
	v368 int
	v369 int
	v370 int
	v371 int
	v372 int
	v373 int
	v374 int
	v375 int
	v376 int
	v377 int
	v378 int
	v379 int
	v380 int
	v381 int
	v382 int
	v383 int
	v384 int
	v385 int
	v386 int
	v387 int
	v388 int
	v389 int
	v390 int
	v391 int
	v392 int
	v393 int
	v394 int
	v395 int
	v396 int
	v397 int
	v398 int
	v399 int
	v400 int
	v401 int
	v402 int
	v403 int
	v404 int
	v405 int
	v406 int
	v407 int
	v408 int
	v409 int
	v410 int
	v411 int
	v412 int
	v413 int
	v414 int
	v415 int
	v416 int
	v417 int
	v418 int
	v419 int
	v420 int
	v421 int
	v422 int
	v423 int
	v424 int
	v425 int
	v426 int
	v427 int
	v428 int
	v429 int
	v430 int
	v431 int
	v432 int
	v433 int
	v434 int
	v435 int
	v436 int
	v437 int
	v438 int
	v439 int
	v440 int
	v441 int
	v442 int
	v443 int
	v444 int
	v445 int
	v446 int
	v447 int
	v448 int
	v449 int
	v450 int
	v451 int
	v452 int
	v453 int
	v454 int
	v455 int
	v456 int
	v457 int
	v458 int
	v459 int
	v460 int
	v461 int
	v462 int
	v463 int
	v464 int
	v465 int
	v466 int
	v467 int
	v468 int
	v469 int
	v470 int
	v471 int
	v472 int
	v473 int
	v474 int
	v475 int
	v476 int
	v477 int
	v478 int
	v479 int
	v480 int
	v481 int
	v482 int
	v483 int
	v484 int
	v485 int
	v486 int
	v487 int
	v488 int
	v489 int
	v490 int
	v491 int
	v492 int
	v493 int
	v494 int
	v495 int
	v496 int
	v497 int
	v498 int
	v499 int
	v500 int
	v501 int
	v502 int
	v503 int
	v504 int
	v505 int
	v506 int
	v507 int
	v508 int
	v509 int
	v510 int
	v511 int
	v512 int
	v513 int
	v514 int
	v515 int
	v516 int
	v517 int
	v518 int
	v519 int
	v520 int
	v521 int
	v522 int
	v523 int
	v524 int
	v525 int
	v526 int
	v527 int
	v528 int
	v529 int
	v530 int
	v531 int
	v532 int
	v533 int
	v534 int
	v535 int
	v536 int
	v537 int
	v538 int
	v539 int
	v540 int
	v541 int
	v542 int
	v543 int
	v544 int
	v545 int
	v546 int
	v547 int
	v548 int
	v549 int
	v550 int
	v551 int
	v552 int
	v553 int
	v554 int
	v555 int
	v556 int
	v557 int
	v558 int
	v559 int
	v560 int
	v561 int
	v562 int
	v563 int
	v564 int
	v565 int
	v566 int
	v567 int
	v568 int
	v569 int
	v570 int
	v571 int
	v572 int
	v573 int
	v574 int
	v575 int
	v576 int
	v577 int
	v578 int
	v579 int
	v580 int
	v581 int
	v582 int
	v583 int
	v584 int
	v585 int
	v586 int
	v587 int
	v588 int
	v589 int
	v590 int
	v591 int
	v592 int
	v593 int
	v594 int
	v595 int
	v596 int
	v597 int
	v598 int
	v599 int
	v600 int
	v601 int
	v602 int
	v603 int
	v604 int
	v605 int
	v606 int
	v607 int
	v608 int
	v609 int
	v610 int
	v611 int
	v612 int
	v613 int
	v614 int
	v615 int
	v616 int
	v617 int
	v618 int
	v619 int
	v620 int
	v621 int
	v622 int
	v623 int
	v624 int
	v625 int
	v626 int
	v627 int
	v628 int
	v629 int
	v630 int
	v631 int
	v632 int
	v633 int
	v634 int
	v635 int
	v636 int
	v637 int
	v638 int
	v639 int
	v640 int
	v641 int
	v642 int
	v643 int
	v644 int
	v645 int
	v646 int
	v647 int
	v648 int
	v649 int
	v650 int
	v651 int
	v652 int
	v653 int
	v654 int
	v655 int
	v656 int
	v657 int
	v658 int
	v659 int
	v660 int
	v661 int
	v662 int
	v663 int
	v664 int
	v665 int
	v666 int
	v667 int
	v668 int
	v669 int
	v670 int
	v671 int
	v672 int
	v673 int
	v674 int
	v675 int
	v676 int
	v677 int
	v678 int
	v679 int
	v680 int
	v681 int
	v682 int
	v683 int
	v684 int
	v685 int
	v686 int
	v687 int
	v688 int
	v689 int
	v690 int
	v691 int
	v692 int
	v693 int
	v694 int
	v695 int
	v696 int
	v697 int
	v698 int
	v699 int
	v700 int
	v701 int
	v702 int
	v703 int
	v704 int
	v705 int
	v706 int
	v707 int
	v708 int
	v709 int
	v710 int
	v711 int
	v712 int
	v713 int
	v714 int
	v715 int
	v716 int
	v717 int
	v718 int
	v719 int
	v720 int
	v721 int
	v722 int
	v723 int
	v724 int
	v725 int
	v726 int
	v727 int
	v728 int
	v729 int
	v730 int
	v731 int
	v732 int
	v733 int
	v734 int
	v735 int
	v736 int
	v737 int
	v738 int
	v739 int
	v740 int
	v741 int
	v742 int
	v743 int
	v744 int
	v745 int
	v746 int
	v747 int
	v748 int
	v749 int
	v750 int
	v751 int
	v752 int
	v753 int
	v754 int
	v755 int
	v756 int
	v757 int
	v758 int
	v759 int
	v760 int
	v761 int
	v762 int
	v763 int
	v764 int
	v765 int
	v766 int
	v767 int
	v768 int
	v769 int
	v770 int
	v771 int
	v772 int
	v773 int
	v774 int
	v775 int
	v776 int
	v777 int
	v778 int
	v779 int
	v780 int
	v781 int
	v782 int
	v783 int
	v784 int
	v785 int
	v786 int
	v787 int
	v788 int
	v789 int
	v790 int
	v791 int
	v792 int
	v793 int
	v794 int
	v795 int
	v796 int
	v797 int
	v798 int
	v799 int
)

// touchAll writes each variable once.
func touchAll() {
	v0 = 0
	v1 = 1
	v2 = 2
	v3 = 3
	v4 = 4
	v5 = 5
	v6 = 6
	v7 = 7
	v8 = 8
	v9 = 9
	v10 = 10
	v11 = 11
	v12 = 12
	v13 = 13
	v14 = 14
	v15 = 15
	v16 = 16
	v17 = 17
	v18 = 18
	v19 = 19
	v20 = 20
	v21 = 21
	v22 = 22
	v23 = 23
	v24 = 24
	v25 = 25
	v26 = 26
	v27 = 27
	v28 = 28
	v29 = 29
	v30 = 30
	v31 = 31
	v32 = 32
	v33 = 33
	v34 = 34
	v35 = 35
	v36 = 36
	v37 = 37
	v38 = 38
	v39 = 39
	v40 = 40
	v41 = 41
	v42 = 42
	v43 = 43
	v44 = 44
	v45 = 45
	v46 = 46
	v47 = 47
	v48 = 48
	v49 = 49
	v50 = 50
	v51 = 51
	v52 = 52
	v53 = 53
	v54 = 54
	v55 = 55
	v56 = 56
	v57 = 57
	v58 = 58
	v59 = 59
	v60 = 60
	v61 = 61
	v62 = 62
	v63 = 63
	v64 = 64
	v65 = 65
	v66 = 66
	v67 = 67
	v68 = 68
	v69 = 69
	v70 = 70
	v71 = 71
	v72 = 72
	v73 = 73
	v74 = 74
	v75 = 75
	v76 = 76
	v77 = 77
	v78 = 78
	v79 = 79
	v80 = 80
	v81 = 81
	v82 = 82
	v83 = 83
	v84 = 84
	v85 = 85
	v86 = 86
	v87 = 87
	v88 = 88
	v89 = 89
	v90 = 90
	v91 = 91
	v92 = 92
	v93 = 93
	v94 = 94
	v95 = 95
	v96 = 96
	v97 = 97
	v98 = 98
	v99 = 99
	v100 = 100
	v101 = 101
	v102 = 102
	v103 = 103
	v104 = 104
	v105 = 105
	v106 = 106
	v107 = 107
	v108 = 108
	v109 = 109
	v110 = 110
	v111 = 111
	v112 = 112
	v113 = 113
	v114 = 114
	v115 = 115
	v116 = 116
	v117 = 117
	v118 = 118
	v119 = 119
	v120 = 120
	v121 = 121
	v122 = 122
	v123 = 123
	v124 = 124
	v125 = 125
	v126 = 126
	v127 = 127
	v128 = 128
	v129 = 129
	v130 = 130
	v131 = 131
	v132 = 132
	v133 = 133
	v134 = 134
	v135 = 135
	v136 = 136
	v137 = 137
	v138 = 138
	v139 = 139
	v140 = 140
	v141 = 141
	v142 = 142
	v143 = 143
	v144 = 144
	v145 = 145
	v146 = 146
	v147 = 147
	v148 = 148
	v149 = 149
	v150 = 150
	v151 = 151
	v152 = 152
	v153 = 153
	v154 = 154
	v155 = 155
	v156 = 156
	v157 = 157
	v158 = 158
	v159 = 159
	v160 = 160
	v161 = 161
	v162 = 162
	v163 = 163
	v164 = 164
	v165 = 165
	v166 = 166
	v167 = 167
	v168 = 168
	v169 = 169
	v170 = 170
	v171 = 171
	v172 = 172
	v173 = 173
	v174 = 174
	v175 = 175
	v176 = 176
	v177 = 177
	v178 = 178
	v179 = 179
	v180 = 180
	v181 = 181
	v182 = 182
	v183 = 183
	v184 = 184
	v185 = 185
	v186 = 186
	v187 = 187
	v188 = 188
	v189 = 189
	v190 = 190
	v191 = 191
	v192 = 192
	v193 = 193
	v194 = 194
	v195 = 195
	v196 = 196
	v197 = 197
	v198 = 198
	v199 = 199
	v200 = 200
	v201 = 201
	v202 = 202
	v203 = 203
	v204 = 204
	v205 = 205
	v206 = 206
	v207 = 207
	v208 = 208
	v209 = 209
	v210 = 210
	v211 = 211
	v212 = 212
	v213 = 213
	v214 = 214
	v215 = 215
	v216 = 216
	v217 = 217
	v218 = 218
	v219 = 219
	v220 = 220
	v221 = 221
	v222 = 222
	v223 = 223
	v224 = 224
	v225 = 225
	v226 = 226
	v227 = 227
	v228 = 228
	v229 = 229
	v230 = 230
	v231 = 231
	v232 = 232
	v233 = 233
	v234 = 234
	v235 = 235
	v236 = 236
	v237 = 237
	v238 = 238
	v239 = 239
	v240 = 240
	v241 = 241
	v242 = 242
	v243 = 243
	v244 = 244
	v245 = 245
	v246 = 246
	v247 = 247
	v248 = 248
	v249 = 249
	v250 = 250
	v251 = 251
	v252 = 252
	v253 = 253
	v254 = 254
	v255 = 255
	v256 = 256
	v257 = 257
	v258 = 258
	v259 = 259
	v260 = 260
	v261 = 261
	v262 = 262
	v263 = 263
	v264 = 264
	v265 = 265
	v266 = 266
	v267 = 267
	v268 = 268
	v269 = 269
	v270 = 270
	v271 = 271
	v272 = 272
	v273 = 273
	v274 = 274
	v275 = 275
	v276 = 276
	v277 = 277
	v278 = 278
	v279 = 279
	v280 = 280
	v281 = 281
	v282 = 282
	v283 = 283
	v284 = 284
	v285 = 285
	v286 = 286
	v287 = 287
	v288 = 288
	v289 = 289
	v290 = 290
	v291 = 291
	v292 = 292
	v293 = 293
	v294 = 294
	v295 = 295
	v296 = 296
	v297 = 297
	v298 = 298
	v299 = 299
	v300 = 300
	v301 = 301
	v302 = 302
	v303 = 303
	v304 = 304
	v305 = 305
	v306 = 306
	v307 = 307
	v308 = 308
	v309 = 309
	v310 = 310
	v311 = 311
	v312 = 312
	v313 = 313
	v314 = 314
	v315 = 315
	v316 = 316
	v317 = 317
	v318 = 318
	v319 = 319
	v320 = 320
	v321 = 321
	v322 = 322
	v323 = 323
	v324 = 324
	v325 = 325
	v326 = 326
	v327 = 327
	v328 = 328
	v329 = 329
	v330 = 330
	v331 = 331
	v332 = 332
	v333 = 333
	v334 = 334
	v335 = 335
	v336 = 336
	v337 = 337
	v338 = 338
	v339 = 339
	v340 = 340
	v341 = 341
	v342 = 342
	v343 = 343
	v344 = 344
	v345 = 345
	v346 = 346
	v347 = 347
	v348 = 348
	v349 = 349
	v350 = 350
	v351 = 351
	v352 = 352
	v353 = 353
	v354 = 354
	v355 = 355
	v356 = 356
	v357 = 357
	v358 = 358
	v359 = 359
	v360 = 360
	v361 = 361
	v362 = 362
	v363 = 363
	v364 = 364
	v365 = 365
	v366 = 366
	v367 = 367
	v368 = 368
	v369 = 369
	v370 = 370
	v371 = 371
	v372 = 372
	v373 = 373
	v374 = 374
	v375 = 375
	v376 = 376
	v377 = 377
	v378 = 378
	v379 = 379
	v380 = 380
	v381 = 381
	v382 = 382
	v383 = 383
	v384 = 384
	v385 = 385
	v386 = 386
	v387 = 387
	v388 = 388
	v389 = 389
	v390 = 390
	v391 = 391
	v392 = 392
	v393 = 393
	v394 = 394
	v395 = 395
	v396 = 396
	v397 = 397
	v398 = 398
	v399 = 399
	v400 = 400
	v401 = 401
	v402 = 402
	v403 = 403
	v404 = 404
	v405 = 405
	v406 = 406
	v407 = 407
	v408 = 408
	v409 = 409
	v410 = 410
	v411 = 411
	v412 = 412
	v413 = 413
	v414 = 414
	v415 = 415
	v416 = 416
	v417 = 417
	v418 = 418
	v419 = 419
	v420 = 420
	v421 = 421
	v422 = 422
	v423 = 423
	v424 = 424
	v425 = 425
	v426 = 426
	v427 = 427
	v428 = 428
	v429 = 429
	v430 = 430
	v431 = 431
	v432 = 432
	v433 = 433
	v434 = 434
	v435 = 435
	v436 = 436
	v437 = 437
	v438 = 438
	v439 = 439
	v440 = 440
	v441 = 441
	v442 = 442
	v443 = 443
	v444 = 444
	v445 = 445
	v446 = 446
	v447 = 447
	v448 = 448
	v449 = 449
	v450 = 450
	v451 = 451
	v452 = 452
	v453 = 453
	v454 = 454
	v455 = 455
	v456 = 456
	v457 = 457
	v458 = 458
	v459 = 459
	v460 = 460
	v461 = 461
	v462 = 462
	v463 = 463
	v464 = 464
	v465 = 465
	v466 = 466
	v467 = 467
	v468 = 468
	v469 = 469
	v470 = 470
	v471 = 471
	v472 = 472
	v473 = 473
	v474 = 474
	v475 = 475
	v476 = 476
	v477 = 477
	v478 = 478
	v479 = 479
	v480 = 480
	v481 = 481
	v482 = 482
	v483 = 483
	v484 = 484
	v485 = 485
	v486 = 486
	v487 = 487
	v488 = 488
	v489 = 489
	v490 = 490
	v491 = 491
	v492 = 492
	v493 = 493
	v494 = 494
	v495 = 495
	v496 = 496
	v497 = 497
	v498 = 498
	v499 = 499
	v500 = 500
	v501 = 501
	v502 = 502
	v503 = 503
	v504 = 504
	v505 = 505
	v506 = 506
	v507 = 507
	v508 = 508
	v509 = 509
	v510 = 510
	v511 = 511
	v512 = 512
	v513 = 513
	v514 = 514
	v515 = 515
	v516 = 516
	v517 = 517
	v518 = 518
	v519 = 519
	v520 = 520
	v521 = 521
	v522 = 522
	v523 = 523
	v524 = 524
	v525 = 525
	v526 = 526
	v527 = 527
	v528 = 528
	v529 = 529
	v530 = 530
	v531 = 531
	v532 = 532
	v533 = 533
	v534 = 534
	v535 = 535
	v536 = 536
	v537 = 537
	v538 = 538
	v539 = 539
	v540 = 540
	v541 = 541
	v542 = 542
	v543 = 543
	v544 = 544
	v545 = 545
	v546 = 546
	v547 = 547
	v548 = 548
	v549 = 549
	v550 = 550
	v551 = 551
	v552 = 552
	v553 = 553
	v554 = 554
	v555 = 555
	v556 = 556
	v557 = 557
	v558 = 558
	v559 = 559
	v560 = 560
	v561 = 561
	v562 = 562
	v563 = 563
	v564 = 564
	v565 = 565
	v566 = 566
	v567 = 567
	v568 = 568
	v569 = 569
	v570 = 570
	v571 = 571
	v572 = 572
	v573 = 573
	v574 = 574
	v575 = 575
	v576 = 576
	v577 = 577
	v578 = 578
	v579 = 579
	v580 = 580
	v581 = 581
	v582 = 582
	v583 = 583
	v584 = 584
	v585 = 585
	v586 = 586
	v587 = 587
	v588 = 588
	v589 = 589
	v590 = 590
	v591 = 591
	v592 = 592
	v593 = 593
	v594 = 594
	v595 = 595
	v596 = 596
	v597 = 597
	v598 = 598
	v599 = 599
	v600 = 600
	v601 = 601
	v602 = 602
	v603 = 603
	v604 = 604
	v605 = 605
	v606 = 606
	v607 = 607
	v608 = 608
	v609 = 609
	v610 = 610
	v611 = 611
	v612 = 612
	v613 = 613
	v614 = 614
	v615 = 615
	v616 = 616
	v617 = 617
	v618 = 618
	v619 = 619
	v620 = 620
	v621 = 621
	v622 = 622
	v623 = 623
	v624 = 624
	v625 = 625
	v626 = 626
	v627 = 627
	v628 = 628
	v629 = 629
	v630 = 630
	v631 = 631
	v632 = 632
	v633 = 633
	v634 = 634
	v635 = 635
	v636 = 636
	v637 = 637
	v638 = 638
	v639 = 639
	v640 = 640
	v641 = 641
	v642 = 642
	v643 = 643
	v644 = 644
	v645 = 645
	v646 = 646
	v647 = 647
	v648 = 648
	v649 = 649
	v650 = 650
	v651 = 651
	v652 = 652
	v653 = 653
	v654 = 654
	v655 = 655
	v656 = 656
	v657 = 657
	v658 = 658
	v659 = 659
	v660 = 660
	v661 = 661
	v662 = 662
	v663 = 663
	v664 = 664
	v665 = 665
	v666 = 666
	v667 = 667
	v668 = 668
	v669 = 669
	v670 = 670
	v671 = 671
	v672 = 672
	v673 = 673
	v674 = 674
	v675 = 675
	v676 = 676
	v677 = 677
	v678 = 678
	v679 = 679
	v680 = 680
	v681 = 681
	v682 = 682
	v683 = 683
	v684 = 684
	v685 = 685
	v686 = 686
	v687 = 687
	v688 = 688
	v689 = 689
	v690 = 690
	v691 = 691
	v692 = 692
	v693 = 693
	v694 = 694
	v695 = 695
	v696 = 696
	v697 = 697
	v698 = 698
	v699 = 699
	v700 = 700
	v701 = 701
	v702 = 702
	v703 = 703
	v704 = 704
	v705 = 705
	v706 = 706
	v707 = 707
	v708 = 708
	v709 = 709
	v710 = 710
	v711 = 711
	v712 = 712
	v713 = 713
	v714 = 714
	v715 = 715
	v716 = 716
	v717 = 717
	v718 = 718
	v719 = 719
	v720 = 720
	v721 = 721
	v722 = 722
	v723 = 723
	v724 = 724
	v725 = 725
	v726 = 726
	v727 = 727
	v728 = 728
	v729 = 729
	v730 = 730
	v731 = 731
	v732 = 732
	v733 = 733
	v734 = 734
	v735 = 735
	v736 = 736
	v737 = 737
	v738 = 738
	v739 = 739
	v740 = 740
	v741 = 741
	v742 = 742
	v743 = 743
	v744 = 744
	v745 = 745
	v746 = 746
	v747 = 747
	v748 = 748
	v749 = 749
	v750 = 750
	v751 = 751
	v752 = 752
	v753 = 753
	v754 = 754
	v755 = 755
	v756 = 756
	v757 = 757
	v758 = 758
	v759 = 759
	v760 = 760
	v761 = 761
	v762 = 762
	v763 = 763
	v764 = 764
	v765 = 765
	v766 = 766
	v767 = 767
	v768 = 768
	v769 = 769
	v770 = 770
	v771 = 771
	v772 = 772
	v773 = 773
	v774 = 774
	v775 = 775
	v776 = 776
	v777 = 777
	v778 = 778
	v779 = 779
	v780 = 780
	v781 = 781
	v782 = 782
	v783 = 783
	v784 = 784
	v785 = 785
	v786 = 786
	v787 = 787
	v788 = 788
	v789 = 789
	v790 = 790
	v791 = 791
	v792 = 792
	v793 = 793
	v794 = 794
	v795 = 795
	v796 = 796
	v797 = 797
	v798 = 798
	v799 = 799
}
