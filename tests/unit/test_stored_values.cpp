#include <gtest/gtest.h>

#include <cstring>

#include "common/error.hpp"
#include "dicom/stored_values.hpp"

using namespace dcmlens;

namespace {

model::PixelBuffer unpack16(std::vector<std::uint16_t> words, int bitsStored, int highBit,
                            bool isSigned) {
    dicom::RawLayout layout{
        static_cast<int>(words.size()), 1, 1, 16, bitsStored, highBit, isSigned, false};
    model::PixelBuffer out(model::sampleTypeFor(bitsStored, isSigned), layout.width, 1, 1, 1,
                           false);
    dicom::unpackStoredValues(reinterpret_cast<const std::uint8_t*>(words.data()), words.size() * 2,
                              layout, out, 0);
    return out;
}

}  // namespace

TEST(StoredValues, MasksJunkAboveBitsStored) {
    // Bits Stored 12 in a 16-bit word: the top 4 bits (retired overlays) are junk.
    auto out = unpack16({0xF123, 0x0FFF, 0xA000}, 12, 11, false);
    EXPECT_EQ(out.type(), model::SampleType::U16);
    EXPECT_EQ(out.at(0, 0), 0x123);
    EXPECT_EQ(out.at(0, 1), 0xFFF);
    EXPECT_EQ(out.at(0, 2), 0);
}

TEST(StoredValues, SignExtendsFromHighBit) {
    auto out = unpack16({0x0800, 0x0FFF, 0xF7FF, 0x0001}, 12, 11, true);
    EXPECT_EQ(out.type(), model::SampleType::I16);
    EXPECT_EQ(out.at(0, 0), -2048);
    EXPECT_EQ(out.at(0, 1), -1);
    EXPECT_EQ(out.at(0, 2), 2047);
    EXPECT_EQ(out.at(0, 3), 1);
}

TEST(StoredValues, HighBitBelowTopShiftsDown) {
    // Bits Stored 8 ending at High Bit 11: the value sits in bits 4..11.
    auto out = unpack16({0x0AB0, 0xF0F0}, 8, 11, false);
    EXPECT_EQ(out.at(0, 0), 0xAB);
    EXPECT_EQ(out.at(0, 1), 0x0F);
}

TEST(StoredValues, AllSixteenBitSignedValuesRoundTrip) {
    std::vector<std::uint16_t> words(65536);
    for (int i = 0; i < 65536; ++i) {
        words[i] = static_cast<std::uint16_t>(i);
    }
    auto out = unpack16(words, 16, 15, true);
    for (int i = 0; i < 65536; ++i) {
        ASSERT_EQ(out.at(0, static_cast<std::size_t>(i)), static_cast<std::int16_t>(i));
    }
}

TEST(StoredValues, OneBitDataIsLsbFirstAndMayStartMidByte) {
    const std::uint8_t bits[] = {0b10100101, 0b00000011};
    dicom::RawLayout layout{3, 1, 1, 1, 1, 0, false, false};
    model::PixelBuffer out(model::SampleType::U8, 3, 1, 1, 1, false);
    dicom::unpackStoredValues(bits, sizeof bits, layout, out, 0, 6);  // bits 6, 7, 8
    EXPECT_EQ(out.at(0, 0), 0);
    EXPECT_EQ(out.at(0, 1), 1);
    EXPECT_EQ(out.at(0, 2), 1);
}

TEST(StoredValues, ShortDataIsAnError) {
    std::uint16_t word = 1;
    dicom::RawLayout layout{4, 1, 1, 16, 16, 15, false, false};
    model::PixelBuffer out(model::SampleType::U16, 4, 1, 1, 1, false);
    EXPECT_THROW(
        dicom::unpackStoredValues(reinterpret_cast<std::uint8_t*>(&word), 2, layout, out, 0),
        Error);
}

TEST(StoredValues, Ybr422SharesChromaBetweenPairs) {
    const std::uint8_t raw[] = {10, 20, 100, 200, 30, 40, 101, 201};  // Y1 Y2 Cb Cr, twice
    std::uint8_t full[12];
    dicom::expandYbr422(raw, 4, 1, full);
    const std::uint8_t expected[] = {10, 100, 200, 20, 100, 200, 30, 101, 201, 40, 101, 201};
    EXPECT_EQ(0, std::memcmp(full, expected, sizeof expected));
}
