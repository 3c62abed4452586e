"""Domain errors: the CLI turns each into one clear line and a non-zero exit."""


class DealRadarError(Exception):
    """Base class of every error a user can act on."""

    exit_code = 1


class WarehouseError(DealRadarError):
    """The warehouse file cannot be opened or used as asked."""

    exit_code = 3


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse's write lock."""

    exit_code = 4


class InputError(DealRadarError):
    """A source, option or input file is unusable."""

    exit_code = 2


class ModelError(DealRadarError):
    """A model version is missing, incompatible or cannot be trained."""

    exit_code = 5


class ContractError(DealRadarError):
    """One or more data contracts failed."""

    exit_code = 6
