#pragma once
// The recovery key: 32 random bytes shown once, as text an operator can copy to paper and type back.
//
// Text form (docs/security.md): 13 groups of 5 Crockford base32 characters separated by '-'.
// Each group is 4 data characters (20 bits; 52 data characters carry the 256 key bits plus 4 zero
// bits) and 1 check character. The check character is a linear code over GF(32):
//     check = (g+1) XOR 2*d0 XOR 4*d1 XOR 8*d2 XOR 16*d3     (g = 0-based group index,
//                                                             * = multiplication in GF(2^5) mod x^5+x^2+1)
// Because the weights 1,2,4,8,16 are distinct and non-zero in GF(32), every single-character
// substitution and every transposition of two different characters within a group changes the
// check, and the group index term catches a whole group typed in the wrong place. Errors are found
// before any cryptography runs and name the group (never its content): Error(Exit::usage).
#include <string>
#include <string_view>

#include "egg/core/secret.hpp"

namespace egg::seal {

inline constexpr std::size_t kRecoveryKeyBytes = 32;
inline constexpr std::size_t kRecoveryGroups = 13;

// 32 fresh random bytes.
core::SecretBytes new_recovery_key();

// The text form: "XXXXX-XXXXX-..." (13 groups).
std::string format_recovery_key(const core::SecretBytes& key);

// Parses what an operator typed: case-insensitive, spaces/hyphens/newlines anywhere are ignored,
// O reads as 0 and I, L as 1 (Crockford). Throws Error(Exit::usage) "typo in group N" etc.
// Registers the text and the key for redaction before returning or throwing.
core::SecretBytes parse_recovery_key(std::string_view text);

}  // namespace egg::seal
