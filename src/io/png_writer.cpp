#include "io/png_writer.hpp"

#include <png.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "common/error.hpp"
#include "io/file_writer.hpp"

namespace dcmlens::io {

namespace {

// libpng's default handlers print to stderr ("libpng error: Write Error"); the error is reported
// once, as dcmlens' one line, from errno. An error handler must not return (libpng's rule).
[[noreturn]] void quietError(png_structp png, png_const_charp) {
    png_longjmp(png, 1);
}
void quietWarning(png_structp, png_const_charp) {}

// libpng reports errors through longjmp; the writes below keep no C++ objects with destructors
// alive across the png_* calls that can fail (setjmp in the caller's frame).
void write(const std::string& path, int width, int height, int channels, int bitDepth,
           const std::vector<png_bytep>& rows, const std::string& textKey = {},
           const std::string& textValue = {}) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw Error(writeFailure(path, errno));
    }
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, quietError, quietWarning);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (png == nullptr || info == nullptr) {
        png_destroy_write_struct(&png, &info);
        std::fclose(file);
        throw Error("cannot write " + path + ": out of memory");
    }
    errno = 0;
    bool failed = false;
    if (setjmp(png_jmpbuf(png))) {
        failed = true;
    } else {
        png_init_io(png, file);
        png_set_compression_level(png, 1);  // Z_BEST_SPEED
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
        png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                     bitDepth, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_text text{};
        if (!textKey.empty()) {
            text.compression = PNG_TEXT_COMPRESSION_NONE;
            text.key = const_cast<char*>(textKey.c_str());
            text.text = const_cast<char*>(textValue.c_str());
            png_set_text(png, info, &text, 1);
        }
        png_write_info(png, info);
        if (bitDepth == 16) {
            png_set_swap(png);  // PNG is big endian; our samples are host (little endian) order
        }
        png_write_image(png, const_cast<png_bytepp>(rows.data()));
        png_write_end(png, nullptr);
    }
    png_destroy_write_struct(&png, &info);
    // libpng's writes fail through fwrite, which sets errno (a full disk: ENOSPC).
    failed = failed || std::fflush(file) != 0;
    int error = errno;
    if (std::fclose(file) != 0 && !failed) {
        failed = true;
        error = errno;
    }
    if (failed) {
        throw Error(writeFailure(path, error));
    }
}

}  // namespace

void writePng(const std::string& path, const pixel::Image& image) {
    if (image.channels != 1 && image.channels != 3) {
        throw Error("cannot write " + path + ": PNG needs 1 or 3 channels");
    }
    std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
    for (int y = 0; y < image.height; ++y) {
        rows[static_cast<std::size_t>(y)] = const_cast<png_bytep>(image.pixel(0, y));
    }
    write(path, image.width, image.height, image.channels, 8, rows);
}

void writePng16(const std::string& path, const std::uint16_t* samples, int width, int height,
                int channels, const std::string& textKey, const std::string& textValue) {
    std::vector<png_bytep> rows(static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) {
        rows[static_cast<std::size_t>(y)] = reinterpret_cast<png_bytep>(
            const_cast<std::uint16_t*>(samples + static_cast<std::size_t>(y) * width * channels));
    }
    write(path, width, height, channels, 16, rows, textKey, textValue);
}

}  // namespace dcmlens::io
