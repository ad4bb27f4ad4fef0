#pragma once

#include <cstddef>
#include <cstdint>

namespace dcmlens::dicom {

// Whether a JPEG stream (PS3.5 A.4.1) holds YCbCr although the header says RGB, as some
// encoders write (SC_rgb_jpeg_lossy_gdcm.dcm in pydicom's corpus): a JFIF APP0 marker, an Adobe
// APP14 marker with a colour transform, or subsampled chroma (only YCbCr is subsampled). With
// none of these the header is trusted.
bool jpegHoldsYcc(const std::uint8_t* stream, std::size_t size);

// YCbCr -> RGB exactly as IJG libjpeg (jdcolor.c, 16-bit fixed point), which DCMTK's JPEG
// decoder uses when it converts: 8-bit interleaved samples, converted in place.
void jpegYccToRgb(std::uint8_t* interleaved, std::size_t pixels);

}  // namespace dcmlens::dicom
