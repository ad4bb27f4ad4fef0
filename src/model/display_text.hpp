#pragma once

// Text shown to users for values that have more than one spelling in files: the units of
// modality values, DICOM dates and times, and counts. One place, so that the command line and
// the viewer say the same thing. Standard library only (no DCMTK, GL or ImGui).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/instance.hpp"

namespace dcmlens::model {

// The unit of modality values (the output of the Modality LUT / rescale, PS3.3 C.11.1), or ""
// when the file does not say:
// - Rescale Type (0028,1054), or Modality LUT Type (0028,3004) for a Modality LUT, as written
//   (trimmed); "US" is "unspecified" (PS3.3 C.11.1.1.2) and gives "";
// - absent, for a CT (Modality (0008,0060) "CT") with Rescale Slope/Intercept: "HU", because the
//   CT Image Module requires Rescale Type only when the units are not HU (PS3.3 C.8.2.1);
// - absent otherwise (other modalities, a CT without rescale): "" (nothing is known).
// `modalityCode` is Modality (0008,0060).
std::string modalityUnits(const ModalityInfo& modality, std::string_view modalityCode);

// A DA value (PS3.5 Table 6.2-1: YYYYMMDD) as "YYYY-MM-DD". Also reads the ACR-NEMA form
// "YYYY.MM.DD" (PS3.5 6.2, retired) and "YYYY-MM-DD"; a partial value ("YYYY", "YYYYMM") shows
// what it has ("2026", "2026-11"). Anything else (an impossible date such as 20260230, letters,
// another length) is returned as written, trimmed: never a wrong date, never nothing. "" -> "".
std::string formatDate(std::string_view da);

// A TM value (PS3.5: HH[MM[SS[.F{1,6}]]]) as "HH:MM:SS.FFFFFF" with only the parts present
// ("14", "14:30", "14:30:05", "14:30:05.25"). Also reads the ACR-NEMA form "HH:MM:SS.F".
// Invalid values (hour 24, minute 60, letters) are returned as written, trimmed.
std::string formatTime(std::string_view tm);

// A DT value (PS3.5: YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]) as "YYYY-MM-DD HH:MM:SS.F +ZZXX"
// with only the parts present. Invalid values are returned as written, trimmed.
std::string formatDateTime(std::string_view dt);

// "1 image", "2 images", "0 images": `plural` defaults to `singular` + "s" (give it for
// irregular words: countText(n, "series", "series"), countText(n, "entry", "entries")).
std::string countText(std::uint64_t n, std::string_view singular, std::string_view plural = {});

}  // namespace dcmlens::model
