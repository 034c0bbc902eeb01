# Turn a text file into a C string constant: cmake -DIN=file -DOUT=file.c -P embed_text.cmake
file(READ ${IN} _hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\n"
  "const char asgsim_catalog_tsv[] = {${_bytes} 0x00};\n")
