// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title Addresses barred from holding or moving the token.
/// @dev ERC-7201 namespaced storage, like the OpenZeppelin upgradeable contracts it sits beside,
/// so that upgrades never shift its slot.
abstract contract BlacklistableUpgradeable is Initializable {
    /// @custom:storage-location erc7201:rrec.storage.Blacklistable
    struct BlacklistableStorage {
        mapping(address account => bool) blacklisted;
    }

    // keccak256(abi.encode(uint256(keccak256("rrec.storage.Blacklistable")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BLACKLISTABLE_STORAGE =
        0xa99a44435d8922c3defbcc6d0f75ed1843fd624af9dfddc367deb7623bd75e00;

    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);

    error BlacklistedAccount(address account);

    modifier notBlacklisted(address account) {
        _checkBlacklist(account);
        _;
    }

    function __Blacklistable_init() internal onlyInitializing {}

    function isBlacklisted(address account) public view returns (bool) {
        return _storage().blacklisted[account];
    }

    function _checkBlacklist(address account) internal view {
        if (_storage().blacklisted[account]) revert BlacklistedAccount(account);
    }

    function _addToBlacklist(address account) internal {
        _storage().blacklisted[account] = true;
        emit Blacklisted(account);
    }

    function _removeFromBlacklist(address account) internal {
        _storage().blacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    function _storage() private pure returns (BlacklistableStorage storage s) {
        bytes32 slot = BLACKLISTABLE_STORAGE;
        assembly {
            s.slot := slot
        }
    }
}
