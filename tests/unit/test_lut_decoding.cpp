#include <gtest/gtest.h>

#include "common/error.hpp"
#include "dicom/lut_decoding.hpp"

using namespace dcmlens;

TEST(LutDecoding, ZeroCountMeans65536) {
    EXPECT_EQ(dicom::lutEntryCount(0), 65536u);
}

TEST(LutDecoding, EightBitEntriesPackedTwoPerWord) {
    const std::uint16_t words[] = {0x0201, 0x0403};
    auto lut = dicom::unpackLutWords(words, 2, 4, 8);
    EXPECT_EQ(lut, (std::vector<std::uint16_t>{1, 2, 3, 4}));
}

TEST(LutDecoding, OneEntryPerWordOtherwise) {
    const std::uint16_t words[] = {10, 20, 30};
    EXPECT_EQ(dicom::unpackLutWords(words, 3, 3, 16), (std::vector<std::uint16_t>{10, 20, 30}));
    EXPECT_EQ(dicom::unpackLutWords(words, 3, 3, 8), (std::vector<std::uint16_t>{10, 20, 30}));
}

TEST(LutDecoding, ClaimedEightBitsWithSixteenBitDataIsSixteenBits) {
    EXPECT_EQ(dicom::effectiveLutBits({0, 100, 4095}, 8), 16);
    EXPECT_EQ(dicom::effectiveLutBits({0, 100, 255}, 8), 8);
    EXPECT_EQ(dicom::effectiveLutBits({0, 4095}, 12), 12);
}

TEST(LutDecoding, SegmentedDiscreteLinearIndirect) {
    // discrete [0, 10], linear to 40 over 3 steps, then indirect replay of the first segment.
    const std::uint16_t words[] = {0, 2, 0, 10, 1, 3, 40, 2, 1, 0, 0};
    auto lut = dicom::expandSegmentedLut(words, sizeof words / 2, 7);
    EXPECT_EQ(lut, (std::vector<std::uint16_t>{0, 10, 20, 30, 40, 0, 10}));
}

TEST(LutDecoding, SegmentedGarbageIsAnError) {
    const std::uint16_t words[] = {7, 1, 0};
    EXPECT_THROW(dicom::expandSegmentedLut(words, 3, 4), Error);
    const std::uint16_t linearFirst[] = {1, 3, 40};
    EXPECT_THROW(dicom::expandSegmentedLut(linearFirst, 3, 4), Error);
}
