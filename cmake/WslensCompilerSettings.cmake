# Strict Qt defines and warnings shared by every wslens target.
add_library(wslens_settings INTERFACE)
target_compile_definitions(wslens_settings INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CAST_FROM_BYTEARRAY
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_FOREACH
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  WSLENS_VERSION_STRING="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(wslens_settings INTERFACE -Wall -Wextra -Wno-unused-parameter)
endif()
if(WSLENS_SANITIZE)
  target_compile_options(wslens_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wslens_settings INTERFACE -fsanitize=address,undefined)
endif()
