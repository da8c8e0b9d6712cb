// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PausableUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PausableUpgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {BlacklistableUpgradeable} from "./BlacklistableUpgradeable.sol";

/// @title R-REC token: one token per MWh of verified renewable generation.
/// @notice ABI-compatible with the registry's deployed tokens: `mint(to, amount, additionalInfo)`
/// takes whole R-RECs and emits `MintWithInfo` with the link to the verification data, so every
/// token can be traced to the exact published file that supports it.
contract RRECToken is
    Initializable,
    ERC20Upgradeable,
    ERC20PausableUpgradeable,
    ERC20PermitUpgradeable,
    OwnableUpgradeable,
    BlacklistableUpgradeable,
    UUPSUpgradeable
{
    /// @notice `amount` is in whole R-RECs (no decimals); `additionalInfo` links the data.
    event MintWithInfo(address indexed to, uint256 amount, string additionalInfo);

    error ZeroAmount();
    error ZeroRecipient();
    error AmountTooLarge(uint256 amount);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function initialize(string memory name_, string memory symbol_, address owner_)
        public
        initializer
    {
        __ERC20_init(name_, symbol_);
        __ERC20Pausable_init();
        __ERC20Permit_init(name_);
        __Ownable_init(owner_);
        __Blacklistable_init();
        __UUPSUpgradeable_init();
    }

    /// @notice Mint `amount` whole R-RECs to `to`, recording where the data behind them lives.
    function mint(address to, uint256 amount, string calldata additionalInfo)
        external
        onlyOwner
        notBlacklisted(to)
    {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroRecipient();
        if (amount > type(uint256).max / 10 ** decimals()) revert AmountTooLarge(amount);
        _mint(to, amount * 10 ** decimals());
        emit MintWithInfo(to, amount, additionalInfo);
    }

    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    function addToBlacklist(address account) external onlyOwner {
        _addToBlacklist(account);
    }

    function removeFromBlacklist(address account) external onlyOwner {
        _removeFromBlacklist(account);
    }

    /// @dev Every balance change passes here: pause and blacklist hold for transfers and mints.
    function _update(address from, address to, uint256 value)
        internal
        override(ERC20Upgradeable, ERC20PausableUpgradeable)
    {
        _checkBlacklist(from);
        _checkBlacklist(to);
        super._update(from, to, value);
    }

    function _authorizeUpgrade(address) internal override onlyOwner {}
}
