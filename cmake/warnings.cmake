# Warnings for dcmlens' own targets; errors with DCMLENS_STRICT (CI). Sanitizers with
# DCMLENS_SANITIZE, stopping at the first report (-fno-sanitize-recover=all).
if(DCMLENS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()

function(dcmlens_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(DCMLENS_STRICT)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
